package main

import (
	"bytes"
	"context"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/raftlab/raftlab/scenarios/etcdref"
)

// TestOversizedRequestsFailOnceWithEtcdsError runs the real etcdctl (v3.5.33, API 2) and kvctl
// against a 3-member kvd cluster: a write over a limit fails at the first member it reaches with
// one 4xx error that names the limit, instead of a 500 that the client retries on every member and
// reports as "cluster is unavailable".
func TestOversizedRequestsFailOnceWithEtcdsError(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	bins, err := etcdref.Build(ctx)
	require.NoError(t, err)
	c := startCluster(t, 3)
	waitNamesPublished(t, c.members[0].ClientURL)
	eps := strings.Join(c.endpoints(), ",")
	prev := strings.Repeat("p", 100)
	cases := []struct {
		name   string
		args   []string
		stdin  string
		stderr string // "" for success
	}{
		{"largest value a body holds", []string{"set", "/big"}, strings.Repeat("v", apiMaxRequestBytes-len("value=")), ""},
		{"value and prevValue past the payload limit", []string{"set", "--swap-with-value", prev, "/big"},
			strings.Repeat("v", apiMaxRequestBytes-len("/big")-len(prev)+1),
			"Error:  210: Invalid POST form (etcdserver: request is too large) [0]\n"},
		{"body past the limit", []string{"set", "/big"}, strings.Repeat("v", apiMaxRequestBytes),
			"Error:  210: Invalid POST form (http: POST too large) [0]\n"},
		{"key past the limit", []string{"set", "/" + strings.Repeat("k", apiMaxKeyBytes), "v"}, "",
			"Error:  209: Invalid field (key is too long (4097 bytes > 4096)) [0]\n"},
	}
	kvctl := buildKvctl(t)
	for _, cli := range []struct{ name, bin string }{{"etcdctl", bins.Etcdctl}, {"kvctl", kvctl}} {
		for _, tc := range cases {
			t.Run(cli.name+"/"+tc.name, func(t *testing.T) {
				code, stderr := runCLI(t, cli.bin, tc.stdin, append([]string{"--endpoints", eps}, tc.args...)...)
				if tc.stderr == "" {
					assert.Equal(t, 0, code, "%.300s", stderr)
					return
				}
				assert.Equal(t, 4, code)
				assert.Equal(t, tc.stderr, stderr)
			})
		}
	}
}

// runCLI runs bin with args and stdin; it returns the exit code and stderr.
func runCLI(t *testing.T, bin, stdin string, args ...string) (int, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Stdin = strings.NewReader(stdin)
	var errOut bytes.Buffer
	cmd.Stderr = &errOut
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode(), errOut.String()
	}
	require.NoError(t, err)
	return 0, errOut.String()
}
