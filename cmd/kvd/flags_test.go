package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func noEnv(string) (string, bool) { return "", false }

func envOf(vars map[string]string) (func(string) (string, bool), []string) {
	var environ []string
	for k, v := range vars {
		environ = append(environ, k+"="+v)
	}
	return func(k string) (string, bool) { v, ok := vars[k]; return v, ok }, environ
}

// TestRunRefusesBadConfiguration runs kvd in-process with bad flags: each gets a clear error and a
// non-zero status before anything is bound or written.
func TestRunRefusesBadConfiguration(t *testing.T) {
	file := filepath.Join(t.TempDir(), "a-file")
	require.NoError(t, os.WriteFile(file, nil, 0o600))
	tests := []struct {
		name     string
		args     []string
		env      map[string]string
		wantCode int
		wantErr  string
	}{
		{name: "unknown flag", args: []string{"--bogus"}, wantCode: exitUsage, wantErr: "flag provided but not defined: -bogus"},
		{name: "stray argument", args: []string{"extra"}, wantCode: exitUsage, wantErr: `unexpected argument "extra"`},
		{name: "bad cluster state", args: []string{"--initial-cluster-state", "x"}, wantCode: exitError, wantErr: `unexpected clusterState "x"`},
		{name: "election below 5 heartbeats", args: []string{"--heartbeat-interval", "100", "--election-timeout", "400"},
			wantCode: exitError, wantErr: "--election-timeout[400ms] should be at least as 5 times as --heartbeat-interval[100ms]"},
		{name: "election too long", args: []string{"--election-timeout", "50001"},
			wantCode: exitError, wantErr: "--election-timeout[50001ms] is too long, and should be set less than 50000ms"},
		{name: "listen client without advertise", args: []string{"--listen-client-urls", "http://127.0.0.1:1"},
			wantCode: exitError, wantErr: "--advertise-client-urls is required when --listen-client-urls is set explicitly"},
		{name: "flag and env both set", args: []string{"--name", "a"}, env: map[string]string{"ETCD_NAME": "b"},
			wantCode: exitError, wantErr: `conflicting environment variable "ETCD_NAME" is shadowed by corresponding command-line flag`},
		{name: "bad env value", env: map[string]string{"ETCD_HEARTBEAT_INTERVAL": "fast"},
			wantCode: exitError, wantErr: "invalid value \"fast\" for environment variable ETCD_HEARTBEAT_INTERVAL"},
		{name: "env sets cluster state", env: map[string]string{"ETCD_INITIAL_CLUSTER_STATE": "maybe"},
			wantCode: exitError, wantErr: `unexpected clusterState "maybe"`},
		{name: "discovery and initial cluster", args: []string{"--discovery", "http://127.0.0.1:1/v2/keys/d", "--initial-cluster", "default=http://localhost:2380"},
			wantCode: exitError, wantErr: `multiple discovery or bootstrap flags are set. Choose one of "initial-cluster", "discovery" or "discovery-srv"`},
		{name: "bad fallback", args: []string{"--discovery-fallback", "maybe"}, wantCode: exitError, wantErr: `unexpected fallback "maybe"`},
		{name: "hostname in a listen URL", args: []string{"--listen-peer-urls", "http://example.com:2380"},
			wantCode: exitError, wantErr: "expected IP in URL for binding (http://example.com:2380)"},
		{name: "URL with a path", args: []string{"--initial-advertise-peer-urls", "http://127.0.0.1:2380/x"},
			wantCode: exitError, wantErr: "URL must not contain a path: http://127.0.0.1:2380/x"},
		{name: "local member missing from initial cluster", args: []string{"--initial-cluster", "other=http://127.0.0.1:2380",
			"--data-dir", filepath.Join(t.TempDir(), "d"), "--listen-peer-urls", "http://127.0.0.1:0", "--listen-client-urls", "http://127.0.0.1:0",
			"--advertise-client-urls", "http://127.0.0.1:2379"},
			wantCode: exitError, wantErr: `couldn't find local name "default" in the initial cluster configuration`},
		{name: "unwritable data dir", args: []string{"--data-dir", filepath.Join(file, "sub"), "--listen-peer-urls", "http://127.0.0.1:0",
			"--listen-client-urls", "http://127.0.0.1:0", "--advertise-client-urls", "http://127.0.0.1:2379"},
			wantCode: exitError, wantErr: "cannot access data directory"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			getenv, environ := envOf(tt.env)
			var stderr bytes.Buffer
			code := run(context.Background(), tt.args, getenv, environ, &stderr)
			assert.Equal(t, tt.wantCode, code, stderr.String())
			// An error found once the logger runs is a JSON log record: its quotes are escaped.
			assert.Contains(t, strings.ReplaceAll(stderr.String(), `\"`, `"`), tt.wantErr)
		})
	}
}

func TestEnvironmentFillsUnsetFlags(t *testing.T) {
	getenv, environ := envOf(map[string]string{"ETCD_NAME": "from-env", "ETCD_SNAPSHOT_COUNT": "7", "ETCD_BOGUS": "1"})
	o, err := parseOptions(nil, getenv, environ, &bytes.Buffer{})
	require.NoError(t, err)
	assert.Equal(t, "from-env", o.name)
	assert.Equal(t, uint64(7), o.snapshotCount)
	assert.Equal(t, []string{"unrecognized environment variable ETCD_BOGUS=1"}, o.warnings)
	s, err := o.validate()
	require.NoError(t, err)
	assert.Equal(t, "from-env.etcd", s.dataDir, "the data dir defaults to ${name}.etcd")
	require.Len(t, s.initialCluster, 1, "without --initial-cluster the member is alone under its name")
	assert.Equal(t, "from-env", s.initialCluster[0].Name)
	assert.Equal(t, []string{"http://localhost:2380"}, s.initialCluster[0].PeerURLs)
}

func TestEtcdDefaults(t *testing.T) {
	o, err := parseOptions(nil, noEnv, nil, &bytes.Buffer{})
	require.NoError(t, err)
	s, err := o.validate()
	require.NoError(t, err)
	assert.Equal(t, "default", s.name)
	assert.Equal(t, "default.etcd", s.dataDir)
	assert.Equal(t, "http://localhost:2380", s.listenPeer.String())
	assert.Equal(t, []string{"http://localhost:2379"}, s.advertiseClients)
	assert.Equal(t, "etcd-cluster", s.token)
	assert.Equal(t, 100*time.Millisecond, s.heartbeat)
	assert.Equal(t, time.Second, s.election)
	assert.Equal(t, uint64(100000), s.snapshotCount)
	assert.Equal(t, 64<<20, s.peerMaxFrame)
	assert.True(t, s.strict)
	assert.False(t, s.join)
}

func TestPeerMaxFrameBytesMustHoldTheLargestEntry(t *testing.T) {
	o, err := parseOptions([]string{"--peer-max-frame-bytes", "65536"}, noEnv, nil, &bytes.Buffer{})
	require.NoError(t, err)
	_, err = o.validate()
	require.ErrorContains(t, err, "the largest log entry must fit one frame")
	getenv, environ := envOf(map[string]string{"ETCD_PEER_MAX_FRAME_BYTES": "2097152"})
	o, err = parseOptions(nil, getenv, environ, &bytes.Buffer{})
	require.NoError(t, err)
	s, err := o.validate()
	require.NoError(t, err)
	assert.Equal(t, 2<<20, s.peerMaxFrame)
}

func TestParseInitialCluster(t *testing.T) {
	ms, err := parseInitialCluster("a=http://10.0.0.1:2380,b=http://10.0.0.2:2380,a=http://10.0.0.3:2380")
	require.NoError(t, err)
	require.Len(t, ms, 2)
	assert.Equal(t, "a", ms[0].Name)
	assert.Equal(t, []string{"http://10.0.0.1:2380", "http://10.0.0.3:2380"}, ms[0].PeerURLs, "a name may repeat")
	for _, bad := range []string{"", "a", "a=", "=http://x:1", "a=ftp://x:1", "a=http://nohost"} {
		_, err := parseInitialCluster(bad)
		assert.Error(t, err, "input %q", bad)
	}
}

// TestBinaryExitStatuses checks the real process: status 2 for a usage error, 1 for a bad value.
func TestBinaryExitStatuses(t *testing.T) {
	for _, tt := range []struct {
		args []string
		code int
		text string
	}{
		{args: []string{"--no-such-flag"}, code: exitUsage, text: "flag provided but not defined"},
		{args: []string{"--initial-cluster-state", "x"}, code: exitError, text: `unexpected clusterState "x"`},
	} {
		cmd := exec.Command(kvdBinary, tt.args...)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		err := cmd.Run()
		var ee *exec.ExitError
		require.ErrorAs(t, err, &ee)
		assert.Equal(t, tt.code, ee.ExitCode())
		assert.Contains(t, stderr.String(), tt.text)
	}
}

// TestDataDirOfAnotherCluster: a member restarted with explicit bootstrap flags that describe
// another cluster refuses its data dir; SIGTERM stops a member gracefully.
func TestDataDirOfAnotherCluster(t *testing.T) {
	c := startCluster(t, 1)
	m := c.members[0]
	m.terminate(t)
	require.NoError(t, m.ExitErr(), "SIGTERM is a clean exit")
	assert.Contains(t, m.RunLog(), "stopped")

	m.start(t, "--initial-cluster", c.initial, "--initial-cluster-token", "another-token")
	select {
	case <-m.Exited():
	case <-time.After(20 * time.Second):
		t.Fatal("the member started on another cluster's data dir")
	}
	require.Error(t, m.ExitErr())
	assert.Contains(t, m.RunLog(), "belongs to cluster")

	m.start(t, c.staticArgs()...)
	m.waitHealthy(t)
	require.NoError(t, m.Signal(syscall.SIGINT))
	<-m.Exited()
	assert.NoError(t, m.ExitErr(), "SIGINT is a clean exit")
	assert.True(t, strings.Contains(m.RunLog(), "received signal"))
}

// TestUsageNamesTheEnvironment: kvd -h lists the flags and then the environment kvd reads.
func TestUsageNamesTheEnvironment(t *testing.T) {
	var out bytes.Buffer
	_, err := parseOptions([]string{"-h"}, noEnv, nil, &out)
	require.ErrorIs(t, err, errUsage)
	help := out.String()
	assert.Contains(t, help, "-initial-cluster-token")
	for _, name := range []string{"ETCD_<FLAG>", timerSlackEnv, "GOGC"} {
		assert.Contains(t, help, "\n  "+name+" ", name)
	}
	assert.Less(t, strings.Index(help, "-name"), strings.Index(help, "Environment:"), "the environment after the flags")
}
