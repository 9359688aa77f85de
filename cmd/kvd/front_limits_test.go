package main

import (
	"bufio"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// startServer serves handler on a fresh TCP listener with limits, through the front or not; it
// returns the address.
func startServer(t *testing.T, handler http.Handler, limits serverLimits, withFront bool, errorLog *log.Logger) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	srv := newClientServer(handler, limits)
	srv.ErrorLog = errorLog
	if withFront {
		go func() { _ = serveFront(srv, ln, limits) }()
	} else {
		go func() { _ = srv.Serve(ln) }()
	}
	t.Cleanup(func() { _ = srv.Close() })
	return ln.Addr().String()
}

// TestFrontTimesOutAsNetHTTP: the front applies kvd's net/http deadlines, each where net/http
// applies it: a new connection's first request (sent or not) is due within ReadHeader, not Idle;
// between requests a connection may wait Idle for the first bytes of the next one.
func TestFrontTimesOutAsNetHTTP(t *testing.T) {
	const short, long = 200 * time.Millisecond, time.Hour
	get := "GET /v2/keys/a HTTP/1.1\r\nHost: x\r\n\r\n"
	tests := []struct {
		name   string
		limits serverLimits
		send   string
		answer bool // read one response before waiting for the close
	}{
		{"a new connection that sends nothing", serverLimits{ReadHeader: short, Idle: long}, "", false},
		{"a first request line cut short", serverLimits{ReadHeader: short, Idle: long}, "GET /v2/ke", false},
		{"headers cut short", serverLimits{ReadHeader: short, Idle: long}, "GET /v2/keys/a HTTP/1.1\r\nHost: x\r\nX-A: ", false},
		{"headers cut short past the front's buffer", serverLimits{ReadHeader: short, Idle: long},
			"GET /v2/keys/a HTTP/1.1\r\nHost: x\r\nX-A: " + strings.Repeat("a", 2*frontBufferSize), false},
		{"a second request cut short", serverLimits{ReadHeader: short, Idle: long}, get + "GET /v2/keys/b HTT", true},
		{"idle after a response", serverLimits{ReadHeader: long, Idle: short}, get, true},
		{"three bytes after a response", serverLimits{ReadHeader: long, Idle: short}, get + "GET", true},
	}
	for _, tt := range tests {
		for _, withFront := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/front=%v", tt.name, withFront), func(t *testing.T) {
				tt.limits.MaxHeaderBytes = clientLimits.MaxHeaderBytes
				addr := startServer(t, http.HandlerFunc(echoHandler), tt.limits, withFront, nil)
				c, err := net.Dial("tcp", addr)
				require.NoError(t, err)
				defer c.Close()
				_, err = io.WriteString(c, tt.send)
				require.NoError(t, err)
				if tt.answer {
					require.NoError(t, c.SetReadDeadline(time.Now().Add(30*time.Second)))
					resp, err := http.ReadResponse(bufio.NewReader(c), nil)
					require.NoError(t, err)
					require.Equal(t, http.StatusOK, resp.StatusCode)
				}
				assert.True(t, closedWithin(t, c, 30*time.Second), "the server closed the connection")
			})
		}
	}
}

// deadlineRecorder is a connection that notes the read deadlines set on it.
type deadlineRecorder struct {
	net.Conn
	mu        sync.Mutex
	deadlines []time.Time
}

func (c *deadlineRecorder) SetReadDeadline(t time.Time) error {
	c.mu.Lock()
	c.deadlines = append(c.deadlines, t)
	c.mu.Unlock()
	return c.Conn.SetReadDeadline(t)
}

// TestHandedConnKeepsTheHeaderDeadline: headers the front hands over unfinished stay due when the
// front said (net/http's first deadline is moved no later); later deadlines are net/http's.
func TestHandedConnKeepsTheHeaderDeadline(t *testing.T) {
	a, b := net.Pipe()
	defer a.Close()
	defer b.Close()
	due := time.Now().Add(time.Second)
	rec := &deadlineRecorder{Conn: a}
	hc := &handedConn{Conn: rec, pending: []byte("GET / HTTP/1.1\r\n"), headerDue: due}
	later := time.Now().Add(time.Hour)
	require.NoError(t, hc.SetReadDeadline(later)) // net/http's ReadHeaderTimeout from now
	require.NoError(t, hc.SetReadDeadline(time.Time{}))
	require.NoError(t, hc.SetReadDeadline(later))
	assert.Equal(t, []time.Time{due, {}, later}, rec.deadlines)

	free := &deadlineRecorder{Conn: b}
	require.NoError(t, (&handedConn{Conn: free}).SetReadDeadline(later))
	assert.Equal(t, []time.Time{later}, free.deadlines, "no header under way: net/http's deadline")
}

// heldBy is what a number of stalled clients hold in the server: goroutines and live heap.
type heldBy struct{ goroutines, heap int }

// measureHeld opens n connections to addr, sends each send, waits until the server has a goroutine
// for each, and measures what they hold; the connections are closed before it returns.
func measureHeld(t *testing.T, addr string, n int, send string) heldBy {
	t.Helper()
	runtime.GC()
	runtime.GC() // the second empties sync.Pools (net/http keeps its buffers there)
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	goroutines := runtime.NumGoroutine()
	conns := make([]net.Conn, 0, n)
	defer func() { // and wait for the server to let go of them, for the next measure
		for _, c := range conns {
			_ = c.Close()
		}
		require.True(t, waitGoroutines(func(n int) bool { return n <= goroutines }), "the server let the connections go")
	}()
	for range n {
		c, err := net.Dial("tcp", addr)
		require.NoError(t, err)
		conns = append(conns, c)
		_, err = io.WriteString(c, send)
		require.NoError(t, err)
	}
	require.True(t, waitGoroutines(func(m int) bool { return m >= goroutines+n }), "a goroutine for every connection")
	time.Sleep(200 * time.Millisecond) // let the servers read what was sent
	runtime.GC()
	runtime.GC()
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	return heldBy{goroutines: runtime.NumGoroutine() - goroutines, heap: int(after.HeapAlloc) - int(before.HeapAlloc)}
}

// waitGoroutines waits up to 30 s for the number of goroutines to satisfy ok (polling in this
// goroutine: require.Eventually would count its own).
func waitGoroutines(ok func(int) bool) bool {
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if ok(runtime.NumGoroutine()) {
			return true
		}
	}
	return false
}

// TestFrontHoldsNoMoreThanNetHTTP: clients that stall at any point of a request hold no more
// goroutines and no more memory through the front than through net/http alone (the front reads
// into its 4 KiB buffer only, and leaves any body that does not fit to net/http before reading
// it).
func TestFrontHoldsNoMoreThanNetHTTP(t *testing.T) {
	const conns = 100
	head := "PUT /v2/keys/a HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
	tests := []struct{ name, send string }{
		{"nothing", ""},
		{"a partial request line", "GET /v2/ke"},
		{"3 KB of unfinished headers", "GET /v2/keys/a HTTP/1.1\r\nHost: x\r\nX-A: " + strings.Repeat("a", 3000)},
		{"12 KB of unfinished headers", "GET /v2/keys/a HTTP/1.1\r\nHost: x\r\nX-A: " + strings.Repeat("a", 12000)},
		{"a small body announced, not sent", head + "Content-Length: 1000\r\n\r\nvalue="},
		{"a 1 MiB body announced, not sent", head + "Content-Length: 1048576\r\n\r\nvalue="},
		{"a 1 GiB body announced, not sent", head + "Content-Length: 1073741824\r\n\r\nvalue="},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			plain := measureHeld(t, startServer(t, http.HandlerFunc(echoHandler), clientLimits, false, nil), conns, tt.send)
			front := measureHeld(t, startServer(t, http.HandlerFunc(echoHandler), clientLimits, true, nil), conns, tt.send)
			t.Logf("%d clients hold: net/http %d goroutines, %d KiB; front %d goroutines, %d KiB",
				conns, plain.goroutines, plain.heap>>10, front.goroutines, front.heap>>10)
			assert.LessOrEqual(t, front.goroutines, plain.goroutines+conns/10, "goroutines")
			assert.LessOrEqual(t, front.heap, plain.heap+plain.heap/4+256<<10, "live heap")
		})
	}
}

// TestFrontRecoversAPanicAsNetHTTP: a handler's panic is logged as net/http logs it (the value and
// the stack, to the server's ErrorLog), its connection is closed, and the server goes on serving.
func TestFrontRecoversAPanicAsNetHTTP(t *testing.T) {
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/v2/keys/panic" {
			panic("the handler gave up")
		}
		_, _ = io.WriteString(w, "fine")
	})
	for _, withFront := range []bool{false, true} {
		t.Run(fmt.Sprintf("front=%v", withFront), func(t *testing.T) {
			logged := make(logLines, 1)
			addr := startServer(t, handler, clientLimits, withFront, log.New(logged, "", 0))
			c, err := net.Dial("tcp", addr)
			require.NoError(t, err)
			defer c.Close()
			_, err = io.WriteString(c, "GET /v2/keys/panic HTTP/1.1\r\nHost: x\r\n\r\nGET /v2/keys/a HTTP/1.1\r\nHost: x\r\n\r\n")
			require.NoError(t, err)
			require.NoError(t, c.SetReadDeadline(time.Now().Add(30*time.Second)))
			rest, err := io.ReadAll(c)
			require.NoError(t, err, "closed, not reset or timed out")
			assert.Empty(t, rest, "no answer to the request that panicked nor to the one after it")
			var entry string
			select {
			case entry = <-logged:
			case <-time.After(30 * time.Second):
				t.Fatal("nothing logged")
			}
			assert.True(t, strings.HasPrefix(entry, "http: panic serving 127.0.0.1:"), entry)
			assert.Contains(t, entry, ": the handler gave up\ngoroutine ", "the value, then the stack")

			next := exchange(t, addr, "GET /v2/keys/a HTTP/1.1\r\nHost: x\r\n\r\n", "GET")
			require.Len(t, next, 1)
			assert.Contains(t, next[0], "fine")
		})
	}
}

// logLines is a log output that hands each entry over.
type logLines chan string

func (l logLines) Write(p []byte) (int, error) {
	l <- string(p)
	return len(p), nil
}
