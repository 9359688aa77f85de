package main

import (
	"bytes"
	"context"
	"net"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/raftlab/raftlab/cmd/internal/v2client"
	"github.com/stretchr/testify/require"
)

// testWait bounds every wait in these tests: a failure is reported, never hung.
const testWait = 10 * time.Second

// harness runs kvctl in-process against a real cluster: by default (--endpoints) its first
// member's first door.
type harness struct {
	cluster *testCluster
	door    *door
	srv     *httptest.Server
	env     map[string]string
}

// newHarness starts a real one-member cluster.
func newHarness(t *testing.T) *harness {
	t.Helper()
	return newClusterHarness(t, clusterSpec{})
}

// newClusterHarness starts a real cluster as spec says.
func newClusterHarness(t *testing.T, spec clusterSpec) *harness {
	t.Helper()
	c := startCluster(t, spec)
	d := c.members[0].doors[0]
	return &harness{cluster: c, door: d, srv: d.srv, env: map[string]string{}}
}

// result is one kvctl run's outcome.
type result struct {
	stdout, stderr string
	code           int
}

// run runs kvctl with --endpoints pointing at the harness's door, then args.
func (h *harness) run(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	return h.runRaw(t, stdin, append([]string{"--endpoints", h.srv.URL}, args...)...)
}

// runRaw runs kvctl with exactly these arguments.
func (h *harness) runRaw(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(args, strings.NewReader(stdin), &out, &errOut, h.getenv)
	return result{stdout: out.String(), stderr: errOut.String(), code: code}
}

func (h *harness) getenv(name string) string { return h.env[name] }

// mustRun runs kvctl and requires success.
func (h *harness) mustRun(t *testing.T, args ...string) string {
	t.Helper()
	r := h.run(t, "", args...)
	require.Equal(t, 0, r.code, "kvctl %v: stderr %q", args, r.stderr)
	return r.stdout
}

// index is the cluster's current etcd index.
func (h *harness) index(t *testing.T) uint64 {
	t.Helper()
	return h.cluster.index(t)
}

// requests lists what the harness's door received.
func (h *harness) requests() []string { return h.door.Requests() }

// requestsMatching lists the door's requests that start with prefix.
func (h *harness) requestsMatching(prefix string) []string {
	var out []string
	for _, r := range h.requests() {
		if strings.HasPrefix(r, prefix) {
			out = append(out, r)
		}
	}
	return out
}

// admin is a client for the tests' own setup: it talks to the first member without going
// through a recorded door.
func (h *harness) admin(t *testing.T, username, password string) *v2client.Client {
	t.Helper()
	c, err := v2client.New([]string{h.cluster.members[0].admin.URL}, v2client.Options{Username: username, Password: password, HTTPClient: h.cluster.members[0].admin.Client()})
	require.NoError(t, err)
	return c
}

// requireAuth turns authentication on with a root user whose password is pass, and takes the
// guest role's access away, so that anonymous requests are refused.
func (h *harness) requireAuth(t *testing.T, pass string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), testWait)
	defer cancel()
	anon := h.admin(t, "", "")
	require.NoError(t, anon.AddUser(ctx, "root", pass))
	require.NoError(t, anon.EnableAuth(ctx))
	_, err := h.admin(t, "root", pass).RevokeRoleKV(ctx, "guest", []string{"/*"}, v2client.ReadWritePermission)
	require.NoError(t, err)
}

// deadEndpoint returns a URL nobody listens on.
func deadEndpoint(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	return "http://" + addr
}

// watchedBuffer is a goroutine-safe writer that signals once its content holds a string n times.
type watchedBuffer struct {
	mu    sync.Mutex
	buf   bytes.Buffer
	want  string
	times int
	hit   chan struct{}
	once  sync.Once
}

func newWatchedBuffer(want string, times int) *watchedBuffer {
	return &watchedBuffer{want: want, times: times, hit: make(chan struct{})}
}

func (b *watchedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	n, err := b.buf.Write(p)
	if strings.Count(b.buf.String(), b.want) >= b.times {
		b.once.Do(func() { close(b.hit) })
	}
	return n, err
}

func (b *watchedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// runUntil runs kvctl in the background until stdout holds want `times` times, then
// interrupts it as Ctrl+C would and returns the outcome. It fails the test (never hangs) if
// that takes longer than testWait.
func (h *harness) runUntil(t *testing.T, want string, times int, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out := newWatchedBuffer(want, times)
	var errOut bytes.Buffer
	done := make(chan int, 1)
	go func() {
		done <- runContext(ctx, append([]string{"--endpoints", h.srv.URL}, args...), strings.NewReader(""), out, &errOut, h.getenv)
	}()
	timeout := time.NewTimer(testWait)
	defer timeout.Stop()
	select {
	case <-out.hit:
		cancel()
		code := h.await(t, done, args)
		return result{stdout: out.String(), stderr: errOut.String(), code: code}
	case code := <-done:
		t.Fatalf("kvctl %v ended early with %d: stdout %q stderr %q", args, code, out.String(), errOut.String())
	case <-timeout.C:
		cancel()
		h.await(t, done, args)
		t.Fatalf("kvctl %v: stdout never held %q %d times within %v: stdout %q stderr %q", args, want, times, testWait, out.String(), errOut.String())
	}
	return result{}
}

// await waits up to testWait for a background kvctl run's exit code.
func (h *harness) await(t *testing.T, done <-chan int, args []string) int {
	t.Helper()
	select {
	case code := <-done:
		return code
	case <-time.After(testWait):
		t.Fatalf("kvctl %v did not end within %v of its interruption", args, testWait)
		return -1
	}
}

// waitForWatches waits until the first member holds n registered live watches, failing the test if that
// takes longer than testWait or if done reports the background run ended first.
func (h *harness) waitForWatches(t *testing.T, n int, done <-chan result) {
	t.Helper()
	deadline := time.NewTimer(testWait)
	defer deadline.Stop()
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	for h.cluster.watchers() < uint64(n) {
		select {
		case r := <-done:
			t.Fatalf("watch ended before registering: %+v", r)
		case <-deadline.C:
			t.Fatalf("%d watches never registered within %v (have %d)", n, testWait, h.cluster.watchers())
		case <-tick.C:
		}
	}
}
