package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/raftlab/raftlab/core/httpapi"
	"github.com/raftlab/raftlab/core/node"
	"github.com/raftlab/raftlab/core/server"
)

// memberCluster is an in-process cluster of real members (real peer sockets, real files), not all
// started; each started member's client API is served through the front or through net/http alone.
type memberCluster struct {
	t       *testing.T
	dir     string
	members []node.Member
	peerLns []net.Listener
	servers []*server.Server
}

func newMemberCluster(t *testing.T, size int) *memberCluster {
	t.Helper()
	c := &memberCluster{t: t, dir: t.TempDir(), servers: make([]*server.Server, size)}
	for i := range size {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		c.peerLns = append(c.peerLns, ln)
		c.members = append(c.members, node.Member{Name: fmt.Sprintf("m%d", i), PeerURLs: []string{"http://" + ln.Addr().String()}})
	}
	t.Cleanup(func() {
		for i, s := range c.servers {
			if s == nil {
				_ = c.peerLns[i].Close()
				continue
			}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			_ = s.Stop(ctx)
			cancel()
		}
	})
	return c
}

// start starts member i; a heartbeat of 20 ms keeps elections short (a request waits for a leader
// up to 5 s plus two election timeouts).
func (c *memberCluster) start(i int) *server.Server {
	s, err := server.Start(server.Config{Name: c.members[i].Name, DataDir: filepath.Join(c.dir, c.members[i].Name),
		PeerListener: c.peerLns[i], PeerURLs: c.members[i].PeerURLs, ClientURLs: []string{"http://client-" + c.members[i].Name},
		InitialCluster: c.members, Token: "front-test", HeartbeatInterval: 20 * time.Millisecond,
		ElectionTimeout: 200 * time.Millisecond, Logger: slog.New(slog.DiscardHandler)})
	require.NoError(c.t, err)
	c.servers[i] = s
	return s
}

// serveAPI serves the member's HTTP API (wrapped by wrap) on a fresh listener, through the front
// or not; it returns the address.
func serveAPI(t *testing.T, s *server.Server, withFront bool, wrap func(http.Handler) http.Handler) string {
	t.Helper()
	handler := wrap(httpapi.New(httpapi.Config{Backend: s, Logger: slog.New(slog.DiscardHandler)}))
	return startServer(t, handler, clientLimits, withFront, nil)
}

// handlerTracker records, per key path, when the handler of the first request for it started and
// returned.
type handlerTracker map[string]*handlerRun

type handlerRun struct {
	once              sync.Once
	started, returned chan struct{}
}

func newHandlerTracker(paths ...string) handlerTracker {
	tr := handlerTracker{}
	for _, p := range paths {
		tr[p] = &handlerRun{started: make(chan struct{}), returned: make(chan struct{})}
	}
	return tr
}

func (tr handlerTracker) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		run, tracked := tr[r.URL.Path]
		first := false
		if tracked {
			run.once.Do(func() { first = true })
		}
		if first {
			close(run.started)
			defer close(run.returned)
		}
		h.ServeHTTP(w, r)
	})
}

// sendRaw writes one request on a fresh connection and leaves it open.
func sendRaw(t *testing.T, addr, method, path, body string) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	_, err = fmt.Fprintf(c, "%s %s HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\n\r\n%s",
		method, path, len(body), body)
	require.NoError(t, err)
	return c
}

// readStatus reads one response from c and returns its status code and body.
func readStatus(t *testing.T, c net.Conn) (int, string) {
	t.Helper()
	require.NoError(t, c.SetReadDeadline(time.Now().Add(30*time.Second)))
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(body)
}

func waitClosed(t *testing.T, ch chan struct{}, what string) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(30 * time.Second):
		t.Fatalf("%s: not within 30 s", what)
	}
}

// TestFrontCancelsTheParkedWriteOfAVanishedClient: a write parked in a member without quorum,
// whose client then goes away, is cancelled in the node (its context ends, the server's loop calls
// node.Cancel): when the quorum comes back it is not applied, while the parked write of a client
// that stayed is. As with net/http alone.
func TestFrontCancelsTheParkedWriteOfAVanishedClient(t *testing.T) {
	for _, withFront := range []bool{false, true} {
		t.Run(fmt.Sprintf("front=%v", withFront), func(t *testing.T) {
			c := newMemberCluster(t, 3)
			tr := newHandlerTracker("/v2/keys/stay", "/v2/keys/gone")
			addr := serveAPI(t, c.start(0), withFront, tr.wrap) // alone: no leader, writes park

			stay := sendRaw(t, addr, http.MethodPut, "/v2/keys/stay", "value=a")
			gone := sendRaw(t, addr, http.MethodPut, "/v2/keys/gone", "value=b")
			waitClosed(t, tr["/v2/keys/stay"].started, "the staying write reached its handler")
			waitClosed(t, tr["/v2/keys/gone"].started, "the vanishing write reached its handler")
			require.NoError(t, gone.Close())
			waitClosed(t, tr["/v2/keys/gone"].returned, "the handler of the vanished client returned")

			c.start(1)
			c.start(2)
			code, body := readStatus(t, stay)
			require.Equal(t, http.StatusCreated, code, "the staying client's parked write is applied once the quorum is back: %s", body)

			get := sendRaw(t, addr, http.MethodGet, "/v2/keys/gone?quorum=true", "")
			code, body = readStatus(t, get)
			assert.Equal(t, http.StatusNotFound, code, "the vanished client's parked write was cancelled: %s", body)
		})
	}
}

// TestFrontEndsTheWatchOfAVanishedClient: a watch asked for with an escaped parameter name (which
// the front serves itself: its query does not say "wait") ends when its client goes away, as with
// net/http: the member's watcher count comes back to zero.
func TestFrontEndsTheWatchOfAVanishedClient(t *testing.T) {
	for _, withFront := range []bool{false, true} {
		t.Run(fmt.Sprintf("front=%v", withFront), func(t *testing.T) {
			c := newMemberCluster(t, 1)
			s := c.start(0)
			addr := serveAPI(t, s, withFront, func(h http.Handler) http.Handler { return h })
			watch := sendRaw(t, addr, http.MethodGet, "/v2/keys/w?%77ait=true", "")
			require.Eventually(t, func() bool { return s.StoreStats().Watchers == 1 }, 30*time.Second, 10*time.Millisecond,
				"the watch is registered")
			require.NoError(t, watch.Close())
			require.Eventually(t, func() bool { return s.StoreStats().Watchers == 0 }, 30*time.Second, 10*time.Millisecond,
				"the watch of the vanished client ended")
		})
	}
}

// watchResponseStarts reads the first line of a response (a watch's headers are flushed at once).
func watchResponseStarts(t *testing.T, c net.Conn) string {
	t.Helper()
	require.NoError(t, c.SetReadDeadline(time.Now().Add(30*time.Second)))
	line, err := bufio.NewReader(c).ReadString('\n')
	require.NoError(t, err)
	return strings.TrimSpace(line)
}

// TestFrontFlushesAWatchsHeaders: a watch the front serves gets its headers at once, as net/http
// flushes them, before any event.
func TestFrontFlushesAWatchsHeaders(t *testing.T) {
	c := newMemberCluster(t, 1)
	addr := serveAPI(t, c.start(0), true, func(h http.Handler) http.Handler { return h })
	watch := sendRaw(t, addr, http.MethodGet, "/v2/keys/w?%77ait=true", "")
	assert.Equal(t, "HTTP/1.1 200 OK", watchResponseStarts(t, watch))
}
