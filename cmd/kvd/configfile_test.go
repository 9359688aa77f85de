package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// memberSetting is one setting of a member, as a flag value and as the YAML an etcd config file
// holds for it (section is client-transport-security or peer-transport-security for TLS keys).
type memberSetting struct {
	flag, value  string
	section, key string
	yaml         string
}

func (s memberSetting) yamlKey() string {
	if s.key != "" {
		return s.key
	}
	return s.flag
}

// oneMember is a member with every kind of setting changed from its default: strings, lists,
// numbers, booleans, and the TLS files of both sides.
func oneMember(t *testing.T) []memberSetting {
	ca := newTestCA(t, "ca")
	kp := ca.issue(t, "m")
	dir := t.TempDir()
	return []memberSetting{
		{flag: "name", value: "infra0"},
		{flag: "data-dir", value: filepath.Join(dir, "infra0.etcd")},
		{flag: "listen-peer-urls", value: "https://127.0.0.1:12380"},
		{flag: "initial-advertise-peer-urls", value: "https://127.0.0.1:12380"},
		{flag: "listen-client-urls", value: "https://127.0.0.1:12379,https://127.0.0.1:12378"},
		{flag: "advertise-client-urls", value: "https://127.0.0.1:12379"},
		{flag: "initial-cluster", value: "infra0=https://127.0.0.1:12380,infra1=https://127.0.0.1:22380"},
		{flag: "initial-cluster-state", value: "existing"},
		{flag: "initial-cluster-token", value: "prod-1"},
		{flag: "heartbeat-interval", value: "50", yaml: "50"},
		{flag: "election-timeout", value: "600", yaml: "600"},
		{flag: "snapshot-count", value: "5000", yaml: "5000"},
		{flag: "strict-reconfig-check", value: "false", yaml: "false"},
		{flag: "enable-v2", value: "true", yaml: "true"},
		{flag: "force-new-cluster", value: "true", yaml: "true"},
		{flag: "log-level", value: "debug"},
		{flag: "log-format", value: "text"},
		{flag: "peer-cert-file", value: kp.certFile, section: "peer-transport-security", key: "cert-file"},
		{flag: "peer-key-file", value: kp.keyFile, section: "peer-transport-security", key: "key-file"},
		{flag: "peer-trusted-ca-file", value: ca.caFile, section: "peer-transport-security", key: "trusted-ca-file"},
		{flag: "peer-client-cert-auth", value: "true", yaml: "true", section: "peer-transport-security", key: "client-cert-auth"},
		{flag: "peer-cert-allowed-cn", value: "m,other", yaml: "[m, other]", section: "peer-transport-security", key: "allowed-cn"},
		{flag: "cert-file", value: kp.certFile, section: "client-transport-security", key: "cert-file"},
		{flag: "key-file", value: kp.keyFile, section: "client-transport-security", key: "key-file"},
	}
}

func settingsArgs(ss []memberSetting) []string {
	var args []string
	for _, s := range ss {
		args = append(args, "--"+s.flag+"="+s.value)
	}
	return args
}

func settingsEnv(ss []memberSetting) map[string]string {
	env := map[string]string{}
	for _, s := range ss {
		env[envName(s.flag)] = s.value
	}
	return env
}

// settingsYAML renders the settings as an etcd config file, strings quoted the way people write them.
func settingsYAML(ss []memberSetting) string {
	var top []string
	sections := map[string][]string{}
	for _, s := range ss {
		v := s.yaml
		if v == "" {
			v = fmt.Sprintf("'%s'", s.value)
		}
		if s.section != "" {
			sections[s.section] = append(sections[s.section], fmt.Sprintf("  %s: %s", s.yamlKey(), v))
			continue
		}
		top = append(top, fmt.Sprintf("%s: %s", s.yamlKey(), v))
	}
	names := sortedKeys(sections)
	for _, name := range names {
		top = append(top, name+":")
		top = append(top, sections[name]...)
	}
	return strings.Join(top, "\n") + "\n"
}

func writeConfigFile(t *testing.T, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "kvd.conf.yml")
	require.NoError(t, os.WriteFile(path, []byte(text), 0o600))
	return path
}

// TestSameMemberFromFlagsEnvAndFile starts the same member three ways and finds the same options and
// the same validated settings.
func TestSameMemberFromFlagsEnvAndFile(t *testing.T) {
	ss := oneMember(t)
	fromFlags, err := parseOptions(settingsArgs(ss), noEnv, nil, &bytes.Buffer{})
	require.NoError(t, err)
	getenv, environ := envOf(settingsEnv(ss))
	fromEnv, err := parseOptions(nil, getenv, environ, &bytes.Buffer{})
	require.NoError(t, err)
	file := writeConfigFile(t, settingsYAML(ss))
	fromFile, err := parseOptions([]string{"--config-file", file}, noEnv, nil, &bytes.Buffer{})
	require.NoError(t, err, settingsYAML(ss))

	assert.Empty(t, fromFile.warnings)
	assert.Equal(t, []string{configFileNotice}, fromFile.notices)
	for _, o := range []*options{fromFlags, fromEnv, fromFile} {
		o.configFile, o.notices, o.warnings = "", nil, nil
	}
	assert.Equal(t, fromFlags, fromEnv, "flags and environment")
	assert.Equal(t, fromFlags, fromFile, "flags and config file")
	assert.Equal(t, "infra0", fromFile.name)
	assert.Equal(t, uint(50), fromFile.heartbeatMs)
	assert.False(t, fromFile.strictReconfigCheck)
	assert.True(t, fromFile.tls.peer.clientCertAuth)
	assert.Equal(t, commaList{"m", "other"}, fromFile.tls.peerAllowedCNs)

	want, err := fromFlags.validate()
	require.NoError(t, err)
	got, err := fromFile.validate()
	require.NoError(t, err)
	// The TLS configurations hold freshly loaded certificates: compare what they were built from.
	assert.Equal(t, want.tls.peerServer.ClientAuth, got.tls.peerServer.ClientAuth)
	assert.Len(t, got.tls.client.Certificates, 1)
	want.tls, got.tls = tlsSettings{}, tlsSettings{}
	assert.Equal(t, want, got)
}

// TestConfigFileOverridesFlagsAndEnvironment: as in etcd 3.5, a config file (by flag or by
// ETCD_CONFIG_FILE) is the only source; the flags and variables given beside it are ignored, and
// named in a warning. The file's unset keys keep etcd's defaults.
func TestConfigFileOverridesFlagsAndEnvironment(t *testing.T) {
	file := writeConfigFile(t, "name: from-file\nsnapshot-count: 42\nwal-dir: /elsewhere\nclient-transport-security:\n  peer-cert-file: /x\n")
	getenv, environ := envOf(map[string]string{"ETCD_NAME": "from-env", "ETCD_HEARTBEAT_INTERVAL": "7"})
	o, err := parseOptions([]string{"--config-file", file, "--election-timeout", "2000"}, getenv, environ, &bytes.Buffer{})
	require.NoError(t, err)
	assert.Equal(t, "from-file", o.name)
	assert.Equal(t, uint64(42), o.snapshotCount)
	assert.Equal(t, uint(100), o.heartbeatMs, "ETCD_HEARTBEAT_INTERVAL is ignored")
	assert.Equal(t, uint(1000), o.electionMs, "--election-timeout is ignored")
	assert.Empty(t, o.tls.peer.certFile, "a peer key in the client section sets nothing")
	assert.Equal(t, []string{
		`config file key "client-transport-security.peer-cert-file" is not used by kvd; ignored`,
		`config file key "wal-dir" is not used by kvd; ignored`,
		"settings ignored because --config-file is given: --election-timeout, ETCD_HEARTBEAT_INTERVAL, ETCD_NAME",
	}, o.warnings)

	getenv, environ = envOf(map[string]string{"ETCD_CONFIG_FILE": file, "ETCD_NAME": "from-env"})
	o, err = parseOptions(nil, getenv, environ, &bytes.Buffer{})
	require.NoError(t, err)
	assert.Equal(t, "from-file", o.name, "ETCD_CONFIG_FILE names the file too")
	assert.True(t, o.explicit["name"])
	assert.False(t, o.explicit["initial-cluster"])
}

// TestConfigFileErrors: the errors etcd 3.5 gives for the same files (wrong types, bad YAML,
// a missing file, failed validation), with status 1 before anything is bound or written.
func TestConfigFileErrors(t *testing.T) {
	tests := []struct {
		name, yaml, wantErr string
	}{
		{"number for a string", "name: 123\n", "cannot unmarshal number into Go struct field name of type string"},
		{"string for a number", "heartbeat-interval: \"100\"\n", "cannot unmarshal string into Go struct field heartbeat-interval of type uint"},
		{"negative number", "snapshot-count: -1\n", "cannot unmarshal number -1 into Go struct field snapshot-count of type uint64"},
		{"string for a bool", "strict-reconfig-check: \"yes\"\n", "cannot unmarshal string into Go struct field strict-reconfig-check of type bool"},
		{"list for a URL list", "listen-peer-urls: [http://127.0.0.1:1]\n", "cannot unmarshal array into Go struct field listen-peer-urls of type string"},
		{"TLS section not a mapping", "client-transport-security: yes\n", "cannot unmarshal bool into client-transport-security, a mapping"},
		{"string for a list", "peer-transport-security:\n  allowed-cn: m\n", "cannot unmarshal string into Go struct field peer-transport-security.allowed-cn of type []string"},
		{"bad YAML", "name: [x\n", "error converting YAML to JSON: yaml: line 1: did not find expected ',' or ']'"},
		{"not a mapping", "- name\n", "the document must be a mapping"},
		{"election below 5 heartbeats", "heartbeat-interval: 100\nelection-timeout: 300\n",
			"--election-timeout[300ms] should be at least as 5 times as --heartbeat-interval[100ms]"},
		{"bad cluster state", "initial-cluster-state: maybe\n", `unexpected clusterState "maybe"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stderr bytes.Buffer
			code := run(context.Background(), []string{"--config-file", writeConfigFile(t, tt.yaml)}, noEnv, nil, &stderr)
			assert.Equal(t, exitError, code, stderr.String())
			assert.Contains(t, stderr.String(), tt.wantErr)
		})
	}
	var stderr bytes.Buffer
	code := run(context.Background(), []string{"--config-file", filepath.Join(t.TempDir(), "nope.yml")}, noEnv, nil, &stderr)
	assert.Equal(t, exitError, code)
	assert.Contains(t, stderr.String(), "nope.yml: no such file or directory")
}

// TestConfigFileStartsAMember runs the kvd binary from a config file alone (YAML 1.1 scalars as
// etcd reads them: yes is a boolean) and finds it serving under the file's name and URLs.
func TestConfigFileStartsAMember(t *testing.T) {
	m := newMember(t, "from-file", t.TempDir())
	file := writeConfigFile(t, fmt.Sprintf(`# etcd 3.5 configuration file
name: %s
data-dir: %s
listen-peer-urls: %s
initial-advertise-peer-urls: %s
listen-client-urls: %s
advertise-client-urls: %s
initial-cluster: from-file=%s
initial-cluster-token: file-token
heartbeat-interval: 20
election-timeout: 200
enable-v2: yes
log-format: text
`, m.Name, m.DataDir, m.PeerURL, m.PeerURL, m.ClientURL, m.ClientURL, m.PeerURL))
	m.startWith(t, "--config-file", file, "--name", "ignored")
	m.waitHealthy(t)
	var members struct {
		Members []struct {
			Name       string   `json:"name"`
			ClientURLs []string `json:"clientURLs"`
		} `json:"members"`
	}
	require.Eventually(t, func() bool {
		return getJSON(m.ClientURL+"/v2/members", &members) == nil && len(members.Members) == 1 &&
			members.Members[0].Name == "from-file" && len(members.Members[0].ClientURLs) == 1
	}, 10*time.Second, 20*time.Millisecond)
	assert.Equal(t, m.ClientURL, members.Members[0].ClientURLs[0])
	assert.Contains(t, m.RunLog(), configFileNotice)
	assert.Contains(t, m.RunLog(), "settings ignored because --config-file is given: --name")
	_, err := os.Stat(filepath.Join(m.DataDir, "member", "wal"))
	require.NoError(t, err, "the file's data dir is used")
	resp, err := http.Get(m.ClientURL + "/version")
	require.NoError(t, err)
	_ = resp.Body.Close()
	m.terminate(t)
}
