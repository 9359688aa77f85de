package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// serveLimited runs newClientServer with short limits on a free port.
func serveLimited(t *testing.T, limits serverLimits) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	srv := newClientServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, "ok")
	}), limits)
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return ln.Addr().String()
}

// closedWithin reports whether the server closes conn (EOF or reset) within d, reading whatever
// it sends first.
func closedWithin(t *testing.T, conn net.Conn, d time.Duration) bool {
	t.Helper()
	require.NoError(t, conn.SetReadDeadline(time.Now().Add(d)))
	_, err := io.Copy(io.Discard, conn)
	var ne net.Error
	return !(errors.As(err, &ne) && ne.Timeout())
}

func TestClientServerLimits(t *testing.T) {
	assert.Equal(t, 1<<20, clientLimits.MaxHeaderBytes, "etcd's header limit")
	assert.Positive(t, clientLimits.ReadHeader)
	assert.Positive(t, clientLimits.Idle)

	short := serverLimits{ReadHeader: 200 * time.Millisecond, Idle: 300 * time.Millisecond, MaxHeaderBytes: 4096}
	addr := serveLimited(t, short)

	t.Run("slow headers are cut off", func(t *testing.T) {
		conn, err := net.Dial("tcp", addr)
		require.NoError(t, err)
		defer func() { _ = conn.Close() }()
		_, err = io.WriteString(conn, "GET /v2/keys/a HTTP/1.1\r\nHost: x\r\n") // never finished
		require.NoError(t, err)
		assert.True(t, closedWithin(t, conn, 5*time.Second), "a connection that never finishes its headers stays open")
	})
	t.Run("idle keep-alive connections are closed", func(t *testing.T) {
		conn, err := net.Dial("tcp", addr)
		require.NoError(t, err)
		defer func() { _ = conn.Close() }()
		_, err = io.WriteString(conn, "GET /v2/keys/a HTTP/1.1\r\nHost: x\r\n\r\n")
		require.NoError(t, err)
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		require.NoError(t, err)
		_ = resp.Body.Close()
		assert.Equal(t, http.StatusOK, resp.StatusCode)
		assert.True(t, closedWithin(t, conn, 5*time.Second), "an idle keep-alive connection stays open")
	})
	t.Run("an over-long key is refused", func(t *testing.T) {
		conn, err := net.Dial("tcp", addr)
		require.NoError(t, err)
		defer func() { _ = conn.Close() }()
		_, err = fmt.Fprintf(conn, "GET /v2/keys/%s HTTP/1.1\r\nHost: x\r\n\r\n", strings.Repeat("k", 8192))
		require.NoError(t, err)
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		require.NoError(t, err)
		_ = resp.Body.Close()
		assert.Equal(t, http.StatusRequestHeaderFieldsTooLarge, resp.StatusCode)
	})
}
