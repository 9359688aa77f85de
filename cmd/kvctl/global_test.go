package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestVersionAndHelp(t *testing.T) {
	h := newHarness(t)
	assert.Equal(t, result{stdout: "etcdctl version: 3.5.33\nAPI version: 2\n"}, h.runRaw(t, "", "--version"))

	for _, args := range [][]string{nil, {"help"}, {"--help"}, {"-h"}} {
		r := h.runRaw(t, "", args...)
		assert.Equal(t, 0, r.code)
		for _, c := range commands() {
			assert.Contains(t, r.stdout, "   "+c.name+" ", "help %v lists %s", args, c.name)
		}
	}
	r := h.runRaw(t, "", "set", "--help")
	assert.Equal(t, 0, r.code)
	assert.Contains(t, r.stdout, "kvctl set [command options] <key> <value>")
	assert.Contains(t, r.stdout, "--swap-with-value")
	r = h.runRaw(t, "", "help", "member", "add")
	assert.Equal(t, "NAME:\n   kvctl member - member add, remove and list subcommands\n\nUSAGE:\n   kvctl member [arguments...]\n", r.stdout,
		"etcdctl's help shows a group as a command and ignores what follows")
	r = h.runRaw(t, "", "member", "add", "--help")
	assert.Equal(t, "NAME:\n   kvctl member add - add a new member to the etcd cluster\n\nUSAGE:\n   kvctl member add <name> <peerURL>\n", r.stdout)
	r = h.runRaw(t, "", "help", "nope")
	assert.Equal(t, result{stderr: "No help topic for 'nope'\n", code: 3}, r)
	assert.Empty(t, h.requests())
}

func TestEndpointPrecedence(t *testing.T) {
	h := newHarness(t)
	dead := deadEndpoint(t)
	tests := []struct {
		name string
		env  map[string]string
		args []string
	}{
		{"--endpoints beats the environment", map[string]string{"ETCDCTL_ENDPOINTS": dead}, []string{"--endpoints", h.srv.URL}},
		{"ETCDCTL_ENDPOINTS beats --endpoint", map[string]string{"ETCDCTL_ENDPOINTS": h.srv.URL}, []string{"--endpoint", dead}},
		{"--endpoint beats --peers", nil, []string{"--endpoint", h.srv.URL, "--peers", dead}},
		{"ETCDCTL_ENDPOINT", map[string]string{"ETCDCTL_ENDPOINT": h.srv.URL, "ETCDCTL_PEERS": dead}, nil},
		{"-C", nil, []string{"-C", h.srv.URL}},
		{"ETCDCTL_PEERS", map[string]string{"ETCDCTL_PEERS": h.srv.URL}, nil},
		{"a list fails over", nil, []string{"--endpoints", dead + "," + h.srv.URL}},
	}
	h.mustRun(t, "set", "/k", "v")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h.env = tt.env
			r := h.runRaw(t, "", append(tt.args, "--no-sync", "get", "/k")...)
			assert.Equal(t, result{stdout: "v\n"}, r)
		})
	}
}

func TestSyncUsesMembersClientURLs(t *testing.T) {
	// The member serves two doors and publishes only the second.
	h := newClusterHarness(t, clusterSpec{doors: 2, advertise: func(_ int, doors []string) []string { return doors[1:] }})
	other := h.cluster.members[0].doors[1]

	h.mustRun(t, "set", "/synced", "yes")
	assert.Equal(t, []string{"GET /v2/members"}, h.requests(), "only the sync goes to the endpoint given")
	assert.Equal(t, []string{"PUT /v2/keys/synced"}, other.Requests(), "the write goes to the member's client URL")

	h.mustRun(t, "--no-sync", "set", "/direct", "yes")
	assert.Equal(t, []string{"GET /v2/members", "PUT /v2/keys/direct"}, h.requests())
}

func TestSyncWithNoPublishedClientURLs(t *testing.T) {
	h := newClusterHarness(t, clusterSpec{advertise: func(int, []string) []string { return nil }})
	r := h.run(t, "", "get", "/k")
	assert.Equal(t, 4, r.code)
	assert.Equal(t, "etcd cluster has no published client endpoints.\n"+
		"Try '--no-sync' if you want to access non-published client endpoints("+h.srv.URL+").\n"+
		"Error:  client: no endpoints available\n", r.stderr)
}

func TestUnreachableCluster(t *testing.T) {
	h := newHarness(t)
	dead := deadEndpoint(t)
	refused := "dial tcp " + strings.TrimPrefix(dead, "http://") + ": connect: connection refused"
	want := "Error:  client: etcd cluster is unavailable or misconfigured; error #0: " + refused + "\n\n" +
		"error #0: " + refused + "\n\n"

	r := h.runRaw(t, "", "--endpoints", dead, "get", "/k")
	assert.Equal(t, result{stderr: want, code: 2}, r, "a connection error during the sync exits 2")

	r = h.runRaw(t, "", "--endpoints", dead, "--no-sync", "set", "/k", "v")
	assert.Equal(t, result{stderr: want, code: 4}, r, "without the sync the command itself reports it")
}

func TestMemberWithoutLeaderFailsOver(t *testing.T) {
	h := newHarness(t)
	sick := noLeaderStub(t)

	r := h.runRaw(t, "", "--no-sync", "--endpoints", sick.URL()+","+h.srv.URL, "set", "/k", "v")
	assert.Equal(t, result{stdout: "v\n"}, r)
	assert.Equal(t, []string{"PUT /v2/keys/k"}, sick.Requests())

	r = h.runRaw(t, "", "--no-sync", "--endpoints", sick.URL(), "get", "/k")
	assert.Equal(t, 4, r.code)
	noLeader := "client: etcd member " + sick.URL() + " has no leader"
	assert.Equal(t, "Error:  client: etcd cluster is unavailable or misconfigured; error #0: "+noLeader+"\n\nerror #0: "+noLeader+"\n\n", r.stderr)
}

func TestUsername(t *testing.T) {
	h := newHarness(t)
	h.mustRun(t, "set", "/k", "v")
	h.requireAuth(t, "secret")

	assert.Equal(t, result{stdout: "v\n"}, h.run(t, "", "--username", "root:secret", "get", "/k"))
	assert.Equal(t, result{stdout: "v\n"}, h.run(t, "", "-u", "root:secret", "get", "/k"))

	h.env = map[string]string{"ETCDCTL_USERNAME": "root:secret"}
	assert.Equal(t, result{stdout: "v\n"}, h.run(t, "", "get", "/k"))
	h.env = nil

	r := h.run(t, "secret\n", "-u", "root", "get", "/k")
	assert.Equal(t, result{stdout: "Password: \nv\n"}, r, "the password is read from stdin after a prompt on stdout, as etcdctl's")
	r = h.run(t, " secret \r\nmore", "-u", "root", "get", "/k")
	assert.Equal(t, result{stdout: "Password: \nv\n"}, r, "spaces and a carriage return around the password are dropped")
	r = h.run(t, "", "-u", "root", "get", "/k")
	assert.Equal(t, result{stdout: "Password: \n", stderr: "Error:  110: The request requires user authentication (Insufficient credentials) [0]\n", code: 4}, r,
		"an empty stdin is an empty password, as etcdctl's")

	r = h.run(t, "", "-u", "root:wrong", "get", "/k")
	assert.Equal(t, result{stderr: "Error:  110: The request requires user authentication (Insufficient credentials) [0]\n", code: 4}, r)
}

func TestDiscoverySRVIsRefused(t *testing.T) {
	h := newHarness(t)
	r := h.run(t, "", "-D", "example.com", "get", "/k")
	assert.Equal(t, 128, r.code)
	assert.Contains(t, r.stderr, "--discovery-srv is not supported")
	assert.Empty(t, h.requests())
}

func TestEndpointThatIsNoURLIsRefusedAsEtcdctlDoes(t *testing.T) {
	h := newHarness(t)
	r := h.runRaw(t, "", "--endpoints=127.0.0.1:1", "get", "/k")
	assert.Equal(t, result{stderr: "parse \"127.0.0.1:1\": first path segment in URL cannot contain colon\n", code: 1}, r)
	assert.Empty(t, h.requests())
}

func TestTotalTimeout(t *testing.T) {
	h := newHarness(t)
	r := h.run(t, "", "--no-sync", "--total-timeout", "1ns", "get", "/k")
	assert.Equal(t, result{stderr: "Error:  context deadline exceeded\n", code: 4}, r)
}

func TestBadTLSFilesFailAsEtcdctl(t *testing.T) {
	h := newHarness(t)
	r := h.run(t, "", "--ca-file", "/nonexistent/ca.pem", "get", "/k")
	assert.Equal(t, result{stderr: "open /nonexistent/ca.pem: no such file or directory\n", code: 1}, r)
	h.env = map[string]string{"ETCDCTL_CERT_FILE": "/nonexistent/c.pem", "ETCDCTL_KEY_FILE": "/nonexistent/k.pem"}
	r = h.run(t, "", "get", "/k")
	assert.Equal(t, result{stderr: "open /nonexistent/c.pem: no such file or directory\n", code: 1}, r)
	h.env = nil
	r = h.run(t, "", "--cert-file", "/nonexistent/c.pem", "get", "/k")
	assert.Equal(t, result{stderr: "KeyFile and CertFile must both be present[key: , cert: /nonexistent/c.pem]\n", code: 1}, r)
	notPEM := filepath.Join(t.TempDir(), "ca.pem")
	require.NoError(t, os.WriteFile(notPEM, []byte("-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n"), 0o600))
	r = h.run(t, "", "--ca-file", notPEM, "get", "/k")
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.stderr, "x509: ", "a PEM block that is no certificate is refused with x509's error")
	assert.Empty(t, h.requests())
}

func TestFlagParsing(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		leading bool
		want    []string
		wantTTL int
		wantR   bool
	}{
		{"flags first", []string{"--ttl", "5", "-r", "a", "b"}, false, []string{"a", "b"}, 5, true},
		{"flags last", []string{"a", "b", "--ttl=7", "-r"}, false, []string{"a", "b"}, 7, true},
		{"flags between", []string{"a", "-ttl", "8", "b"}, false, []string{"a", "b"}, 8, false},
		{"separator ends flags", []string{"-r", "--", "a", "-ttl"}, false, []string{"a", "-ttl"}, 0, true},
		{"a lone dash is positional", []string{"-", "v"}, false, []string{"-", "v"}, 0, false},
		{"a boolean flag takes the next word along, which ends the flags", []string{"-r", "a", "--ttl", "3"}, false, []string{"a", "--ttl", "3"}, 0, true},
		{"an unknown flag after a positional stays one", []string{"a", "--nope"}, false, []string{"a", "--nope"}, 0, false},
		{"leading only", []string{"-r", "k", "sh", "-c", "x"}, true, []string{"k", "sh", "-c", "x"}, 0, true},
		{"leading keeps a later separator", []string{"--ttl", "2", "k", "--", "sh"}, true, []string{"k", "--", "sh"}, 2, false},
		{"leading drops a first separator", []string{"--", "k", "v"}, true, []string{"k", "v"}, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := newTestFlagSet()
			parse := parseInterspersed
			if tt.leading {
				parse = parseLeading
			}
			got, err := parse(fs.set, tt.args)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
			assert.Equal(t, tt.wantTTL, *fs.ttl)
			assert.Equal(t, tt.wantR, *fs.recursive)
		})
	}
	_, err := parseInterspersed(newTestFlagSet().set, []string{"--nope", "a"})
	require.EqualError(t, err, "flag provided but not defined: -nope")
	_, err = parseInterspersed(newTestFlagSet().set, []string{"a", "--ttl", "x"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), fmt.Sprintf("invalid value %q for flag -ttl", "x"))
	_, err = parseInterspersed(newTestFlagSet().set, []string{"--ttl", "-5", "k", "v"})
	require.Error(t, err, "etcdctl's --ttl -5 /k v takes /k for the TTL")
	assert.Contains(t, err.Error(), fmt.Sprintf("invalid value %q for flag -ttl", "k"))
	got, err := parseAnywhere(newTestFlagSet().set, []string{"a", "--ttl", "-5", "b"})
	require.NoError(t, err, "kvctl's own commands take a negative value")
	assert.Equal(t, []string{"a", "b"}, got)
}

func TestDebugPrintsCurlCommands(t *testing.T) {
	h := newHarness(t)
	r := h.run(t, "", "--debug", "set", "/k", "v")
	assert.Equal(t, 0, r.code)
	assert.Equal(t, "v\n", r.stdout)
	assert.Equal(t, "start to sync cluster using endpoints("+h.srv.URL+")\n"+
		"cURL Command: curl -X GET "+h.srv.URL+"/v2/members\n"+
		"got endpoints("+h.srv.URL+") after sync\n"+
		"Cluster-Endpoints: "+h.srv.URL+"\n"+
		"cURL Command: curl -X PUT "+h.srv.URL+`/v2/keys/k -d "value=v"`+"\n", r.stderr)
}

func TestDebugWithoutSync(t *testing.T) {
	h := newHarness(t)
	r := h.run(t, "", "--debug", "--no-sync", "get", "/missing")
	assert.Equal(t, 4, r.code)
	assert.True(t, strings.HasPrefix(r.stderr, "Cluster-Endpoints: "+h.srv.URL+"\ncURL Command: curl -X GET "+h.srv.URL+"/v2/keys/missing?"), r.stderr)
}
