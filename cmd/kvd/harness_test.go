package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/raftlab/raftlab/scenarios/realproc"
)

// The end-to-end tests run kvd processes through scenarios/realproc, the project's one
// real-process harness; this file only fits it to these tests (a binary built once, fast timing,
// processes killed and their logs shown when a test fails).

// kvdBinary is built once per test run by TestMain.
var kvdBinary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "kvd-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	// KVD_E2E_RACE: the processes under test run with the race detector.
	bins, err := realproc.BuildCommands(ctx, dir, os.Getenv("KVD_E2E_RACE") != "", "kvd")
	cancel()
	if err != nil {
		fmt.Fprintln(os.Stderr, "build kvd:", err)
		_ = os.RemoveAll(dir)
		os.Exit(1)
	}
	kvdBinary = bins[0]
	code := m.Run()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

// Timing of every test process: fast elections keep the suite short.
const (
	fastHeartbeat = 20 * time.Millisecond
	fastElection  = 200 * time.Millisecond
)

// fastTiming are the timing flags of a member started by hand.
var fastTiming = []string{"--heartbeat-interval", "20", "--election-timeout", "200"}

// member is one kvd process of a test. env, when set, is added to its environment.
type member struct {
	*realproc.Member
	env []string
}

// newMember picks free ports for a member whose data directory and log are in dir.
func newMember(t *testing.T, name, dir string) *member {
	t.Helper()
	m, err := realproc.NewMember(dir, name)
	require.NoError(t, err)
	return &member{Member: m}
}

// newMemberAt is a member with the given peer and client URLs (https ones, say).
func newMemberAt(t *testing.T, name, dir, peerURL, clientURL string) *member {
	t.Helper()
	m := newMember(t, name, dir)
	m.PeerURL, m.PeerListen, m.ClientURL = peerURL, peerURL, clientURL
	return m
}

// freePort finds a free 127.0.0.1 port (host:port) for a process to bind.
func freePort(t *testing.T) string {
	t.Helper()
	addr, err := realproc.FreeAddr()
	require.NoError(t, err)
	return addr
}

// baseArgs are the flags every member gets: its name, data dir and URLs, text logs and fast timing.
func (m *member) baseArgs() []string {
	return append(append(m.URLArgs(), "--log-format", "text"), fastTiming...)
}

// start runs kvd with the base flags and extra ones; the process is killed at the end of the test.
func (m *member) start(t *testing.T, extra ...string) {
	t.Helper()
	m.startWith(t, append(m.baseArgs(), extra...)...)
}

// startWith runs kvd with exactly args.
func (m *member) startWith(t *testing.T, args ...string) {
	t.Helper()
	require.NoError(t, m.Start(kvdBinary, args, m.env))
	t.Cleanup(func() { cleanUp(t, m.Member) })
}

// cleanUp kills a member at the end of a test, fails the test if the race detector fired in it and
// shows its log when the test failed.
func cleanUp(t *testing.T, m *realproc.Member) {
	if m.State() != realproc.Down {
		_ = m.Kill()
	}
	if strings.Contains(m.RunLog(), "WARNING: DATA RACE") {
		t.Errorf("%s: the race detector fired", m.Name)
	}
	if t.Failed() {
		t.Logf("--- %s log (last 3000 bytes) ---\n%s", m.Name, tail(m.RunLog(), 3000))
	}
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[len(s)-n:]
}

// kill sends SIGKILL to the process group (kill -9) and waits for the exit; a member already down
// stays down.
func (m *member) kill() {
	if m.State() != realproc.Down {
		_ = m.Kill()
	}
}

// terminate sends SIGTERM and waits for a graceful exit.
func (m *member) terminate(t *testing.T) {
	t.Helper()
	require.NoError(t, m.Stop(10*time.Second), "%s did not stop on SIGTERM", m.Name)
}

// waitHealthy polls /health until it answers 200.
func (m *member) waitHealthy(t *testing.T) {
	t.Helper()
	client := &http.Client{Timeout: time.Second}
	require.Eventually(t, func() bool {
		resp, err := client.Get(m.ClientURL + "/health")
		if err != nil {
			return false
		}
		_ = resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	}, 20*time.Second, 20*time.Millisecond, "%s never became healthy:\n%s", m.Name, tail(m.RunLog(), 2000))
}

// cluster is a statically bootstrapped set of kvd processes (started by realproc.Start, or by
// hand with staticArgs).
type cluster struct {
	members []*member
	initial string
	dir     string
}

// clusterToken is the --initial-cluster-token of startCluster's clusters.
const clusterToken = "e2e-token"

// startCluster starts size members (infra1, infra2, ...) and returns once all are ready.
func startCluster(t *testing.T, size int) *cluster {
	t.Helper()
	c := &cluster{dir: t.TempDir()}
	var names []string
	for i := range size {
		names = append(names, fmt.Sprintf("infra%d", i+1))
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	rc, err := realproc.Start(ctx, realproc.Config{Binary: kvdBinary, Flavor: realproc.Kvd, Dir: c.dir, Names: names,
		Token: clusterToken, Heartbeat: fastHeartbeat, Election: fastElection})
	require.NoError(t, err)
	c.initial = rc.Initial()
	for _, m := range rc.Members() {
		c.members = append(c.members, &member{Member: m})
		t.Cleanup(func() { cleanUp(t, m) })
	}
	return c
}

// staticArgs are the bootstrap flags of the cluster's members.
func (c *cluster) staticArgs() []string {
	return []string{"--initial-cluster", c.initial, "--initial-cluster-token", clusterToken, "--initial-cluster-state", "new"}
}

// endpoints are the members' client URLs.
func (c *cluster) endpoints() []string {
	var out []string
	for _, m := range c.members {
		out = append(out, m.ClientURL)
	}
	return out
}

// leaderIndex finds the member that says it leads (realproc.MemberStatus), skipping skip.
func (c *cluster) leaderIndex(t *testing.T, skip *member) int {
	t.Helper()
	found := -1
	require.Eventually(t, func() bool {
		for i, m := range c.members {
			if m == skip {
				continue
			}
			if st, err := realproc.MemberStatus(context.Background(), m.Member); err == nil && st.Role == "leader" {
				found = i
				return true
			}
		}
		return false
	}, 20*time.Second, 20*time.Millisecond)
	return found
}

func ctxTimeout(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}
