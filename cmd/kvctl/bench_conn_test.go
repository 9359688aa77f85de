package main

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// connCountingServer is an httptest server that counts the TCP connections it accepted.
type connCountingServer struct {
	*httptest.Server
	conns atomic.Int64
}

func newConnCountingServer(t *testing.T, h http.Handler) *connCountingServer {
	t.Helper()
	s := &connCountingServer{}
	s.Server = httptest.NewUnstartedServer(h)
	s.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			s.conns.Add(1)
		}
	}
	s.Start()
	t.Cleanup(func() {
		s.CloseClientConnections()
		s.Close()
	})
	return s
}

// targetOf is the bench target of an httptest server.
func targetOf(t *testing.T, rawURL string) benchTarget {
	t.Helper()
	u, err := url.Parse(rawURL)
	require.NoError(t, err)
	return benchTarget{addr: u.Host, host: u.Host}
}

func TestBenchConnFraming(t *testing.T) {
	var mu sync.Mutex
	var seen []string
	srv := newConnCountingServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		seen = append(seen, r.Method+" "+r.URL.String()+" "+r.Header.Get("Content-Type")+" "+string(body))
		mu.Unlock()
		switch r.URL.Path {
		case "/chunked":
			_, _ = io.WriteString(w, "first,")
			w.(http.Flusher).Flush() // forces chunked transfer coding
			_, _ = io.WriteString(w, "second")
		case "/close":
			w.Header().Set("Connection", "close")
			_, _ = io.WriteString(w, "bye")
		case "/empty":
			w.WriteHeader(http.StatusNoContent)
		default:
			w.WriteHeader(http.StatusCreated)
			_, _ = io.WriteString(w, "plain")
		}
	}))
	c := newBenchConn(targetOf(t, srv.URL), testWait)
	defer c.close()

	tests := []struct {
		name       string
		req        benchRequest
		wantStatus int
		wantBody   string
	}{
		{"content-length", benchRequest{method: "PUT", target: []byte("/plain?x=1"), body: []byte("value=v")}, 201, "plain"},
		{"chunked", benchRequest{method: "GET", target: []byte("/chunked")}, 200, "first,second"},
		{"no body", benchRequest{method: "GET", target: []byte("/empty")}, 204, ""},
		{"connection close", benchRequest{method: "GET", target: []byte("/close")}, 200, "bye"},
		{"after close", benchRequest{method: "GET", target: []byte("/plain")}, 201, "plain"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, err := c.do(&tt.req, true)
			require.NoError(t, err)
			assert.Equal(t, tt.wantStatus, resp.status)
			assert.Equal(t, tt.wantBody, string(resp.body))
		})
	}
	resp, err := c.do(&benchRequest{method: "GET", target: []byte("/chunked")}, false)
	require.NoError(t, err)
	assert.Equal(t, 200, resp.status)
	assert.Empty(t, resp.body, "a skipped body is not returned")

	assert.Equal(t, int64(2), srv.conns.Load(), "keep-alive until the server said close")
	mu.Lock()
	defer mu.Unlock()
	require.Len(t, seen, 6)
	assert.Equal(t, "PUT /plain?x=1 application/x-www-form-urlencoded value=v", seen[0])
	assert.Equal(t, "GET /chunked  ", seen[1])
}

func TestBenchConnRetriesAStaleConnectionOnce(t *testing.T) {
	var requests atomic.Int64
	srv := newConnCountingServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		_, _ = io.WriteString(w, "ok")
	}))
	c := newBenchConn(targetOf(t, srv.URL), testWait)
	defer c.close()
	req := &benchRequest{method: "GET", target: []byte("/")}
	_, err := c.do(req, false)
	require.NoError(t, err)
	srv.CloseClientConnections() // the server drops the idle keep-alive connection

	resp, err := c.do(req, true)
	require.NoError(t, err)
	assert.Equal(t, "ok", string(resp.body))
	assert.Equal(t, int64(2), requests.Load(), "the retried request reached the server once")
	assert.Equal(t, int64(2), srv.conns.Load())
}

// cannedServer answers every connection with reply and closes it.
func cannedServer(t *testing.T, reply string) benchTarget {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { _ = l.Close() })
	go func() {
		for {
			conn, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				defer conn.Close()
				_ = conn.SetDeadline(time.Now().Add(testWait))
				buf := make([]byte, 4096)
				_, _ = conn.Read(buf)
				_, _ = io.WriteString(conn, reply)
			}()
		}
	}()
	return benchTarget{addr: l.Addr().String(), host: "canned"}
}

func TestBenchConnRawResponses(t *testing.T) {
	tests := []struct {
		name       string
		reply      string
		wantStatus int
		wantBody   string
		wantErr    string
	}{
		{"body until EOF", "HTTP/1.1 200 OK\r\n\r\nall of it", 200, "all of it", ""},
		{"chunk extension and trailer", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3;x=y\r\nabc\r\n0\r\nT: v\r\n\r\n", 200, "abc", ""},
		{"malformed status", "HTTX/1.1 200 OK\r\n\r\n", 0, "", "malformed status line"},
		{"bad length", "HTTP/1.1 200 OK\r\nContent-Length: -3\r\n\r\n", 0, "", "bad Content-Length"},
		{"header without colon", "HTTP/1.1 200 OK\r\nnonsense\r\n\r\n", 0, "", "malformed header line"},
		{"bad chunk size", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 0, "", "bad chunk size"},
		{"short body", "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", 0, "", "unexpected EOF"},
		{"nothing", "", 0, "", "EOF"},
		{"header line too long", "HTTP/1.1 200 OK\r\nX: " + strings.Repeat("a", 20000) + "\r\n\r\n", 0, "", "too long"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newBenchConn(cannedServer(t, tt.reply), testWait)
			defer c.close()
			resp, err := c.do(&benchRequest{method: "GET", target: []byte("/")}, true)
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.wantErr)
				assert.Nil(t, c.conn, "a failed connection is dropped")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.wantStatus, resp.status)
			assert.Equal(t, tt.wantBody, string(resp.body))
		})
	}
}

func TestBenchConnDialFailure(t *testing.T) {
	u, err := url.Parse(deadEndpoint(t))
	require.NoError(t, err)
	c := newBenchConn(benchTarget{addr: u.Host, host: u.Host}, testWait)
	_, err = c.do(&benchRequest{method: "GET", target: []byte("/")}, false)
	require.Error(t, err)
	assert.Equal(t, "connection refused", errorKind(err))
}
