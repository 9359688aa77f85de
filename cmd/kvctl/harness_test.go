package main

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/raftlab/raftlab/cmd/kvctl/internal/fakeetcd"
	"github.com/stretchr/testify/require"
)

// testWait bounds every wait in these tests: a failure is reported, never hung.
const testWait = 10 * time.Second

// memberID is the fake single member's ID.
const memberID = "8e9e05c52164694d"

// harness is a fake one-member cluster and a way to run kvctl against it in-process.
type harness struct {
	fake *fakeetcd.Server
	srv  *httptest.Server
	env  map[string]string
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	fake := fakeetcd.New(3)
	srv := httptest.NewServer(fake.Handler())
	t.Cleanup(func() {
		// A watch still blocked in the fake (a failed test) would make srv.Close wait forever.
		srv.CloseClientConnections()
		srv.Close()
	})
	fake.SetMembers([]fakeetcd.Member{{ID: memberID, Name: "default", PeerURLs: []string{"http://localhost:2380"}, ClientURLs: []string{srv.URL}}}, memberID)
	return &harness{fake: fake, srv: srv, env: map[string]string{}}
}

// result is one kvctl run's outcome.
type result struct {
	stdout, stderr string
	code           int
}

// run runs kvctl with --endpoints pointing at the fake, then args.
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

// requestsMatching lists the fake's requests that start with prefix.
func (h *harness) requestsMatching(prefix string) []string {
	var out []string
	for _, r := range h.fake.Requests() {
		if strings.HasPrefix(r, prefix) {
			out = append(out, r)
		}
	}
	return out
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

// healthServer serves only /health with a fixed answer.
func healthServer(t *testing.T, status int, body string) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(srv.Close)
	return srv.URL
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

// waitForWatches waits until the fake holds n registered live watches, failing the test if that
// takes longer than testWait or if done reports the background run ended first.
func (h *harness) waitForWatches(t *testing.T, n int, done <-chan result) {
	t.Helper()
	deadline := time.NewTimer(testWait)
	defer deadline.Stop()
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	for h.fake.Waiting() < n {
		select {
		case r := <-done:
			t.Fatalf("watch ended before registering: %+v", r)
		case <-deadline.C:
			t.Fatalf("%d watches never registered within %v (have %d)", n, testWait, h.fake.Waiting())
		case <-tick.C:
		}
	}
}
