package httpapi

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/raftlab/raftlab/core/node"
	"github.com/raftlab/raftlab/core/store"
)

// TestKeyLongerThanLimitRefused: a key over MaxKeyBytes gets 400/209 and writes nothing.
func TestKeyLongerThanLimitRefused(t *testing.T) {
	b := newFakeBackend()
	h := New(Config{Backend: b, MaxKeyBytes: 16})
	long := "/" + strings.Repeat("k", 16)
	for _, method := range []string{http.MethodPut, http.MethodGet, http.MethodDelete} {
		rec := serve(h, method, "/v2/keys"+long, "value=v")
		assert.Equal(t, http.StatusBadRequest, rec.Code, method)
		assert.Equal(t, `{"errorCode":209,"message":"Invalid field","cause":"key is too long (17 bytes \u003e 16)","index":0}`+"\n",
			rec.Body.String(), method)
	}
	assert.Empty(t, b.requests, "nothing reached the node")
	mustServe(t, h, http.MethodPut, "/v2/keys"+long[:16], "value=v", http.StatusCreated)
}

// TestKeyBoundIsTheStores: by default (and at most) a key may be store.MaxKeyBytes long.
func TestKeyBoundIsTheStores(t *testing.T) {
	for _, limit := range []int{0, store.MaxKeyBytes + 1000} {
		b := newFakeBackend()
		h := New(Config{Backend: b, MaxKeyBytes: limit})
		longest := "/" + strings.Repeat("k", store.MaxKeyBytes-1)
		mustServe(t, h, http.MethodPut, "/v2/keys"+longest, "value=v", http.StatusCreated)
		rec := mustServe(t, h, http.MethodPut, "/v2/keys"+longest+"k", "value=v", http.StatusBadRequest)
		assert.Equal(t, `{"errorCode":209,"message":"Invalid field","cause":"key is too long (4097 bytes \u003e 4096)","index":0}`+"\n",
			rec.Body.String())
		rec = mustServe(t, h, http.MethodGet, "/v2/keys"+strings.Repeat("/a", 2049)+"?recursive=true", "", http.StatusBadRequest)
		assert.Contains(t, rec.Body.String(), `"errorCode":209`)
		assert.Len(t, b.requests, 1, "only the first write reached the node")
	}
}

// TestWritePayloadOverTheLimitIsRefusedAtTheDoor: a write whose key, value and prevValue exceed
// MaxRequestBytes gets 400/210 before it reaches the node, even with a body within the limit (the
// prevValue in the query); the node's own refusal, should one come, is a 400 too, never a 500.
func TestWritePayloadOverTheLimitIsRefusedAtTheDoor(t *testing.T) {
	b := newFakeBackend()
	h := New(Config{Backend: b, MaxRequestBytes: 64})
	tooLarge := `{"errorCode":210,"message":"Invalid POST form","cause":"etcdserver: request is too large","index":0}` + "\n"
	old, value := strings.Repeat("o", 22), strings.Repeat("v", 40)
	mustServe(t, h, http.MethodPut, "/v2/keys/k", "value="+old, http.StatusCreated)
	rec := mustServe(t, h, http.MethodPut, "/v2/keys/k?prevValue="+old+"o", "value="+value, http.StatusBadRequest)
	assert.Equal(t, tooLarge, rec.Body.String(), "2+40+23 bytes")
	rec = mustServe(t, h, http.MethodPut, "/v2/keys/k?value="+strings.Repeat("q", 63), "", http.StatusBadRequest)
	assert.Equal(t, tooLarge, rec.Body.String(), "a value in the query counts the same")
	mustServe(t, h, http.MethodPut, "/v2/keys/k?prevValue="+old, "value="+value, http.StatusOK) // 2+40+22 bytes
	assert.Len(t, b.requests, 2)
	mustServe(t, h, http.MethodGet, "/v2/keys/k?prevValue="+strings.Repeat("p", 100), "", http.StatusOK) // a read carries no payload

	b.failWith = node.ErrTooLarge
	rec = mustServe(t, h, http.MethodPut, "/v2/keys/k", "value=v", http.StatusBadRequest)
	assert.Equal(t, tooLarge, rec.Body.String())
}

// TestWatchersPerConnectionLimit opens watches over one HTTP/2 connection: past the limit a watch
// gets 429, another connection is not affected, and an ended watch frees its slot.
func TestWatchersPerConnectionLimit(t *testing.T) {
	b := newFakeBackend()
	srv := httptest.NewUnstartedServer(New(Config{Backend: b, MaxWatchersPerConn: 2}))
	srv.EnableHTTP2 = true
	srv.StartTLS()
	t.Cleanup(srv.Close)
	conn := srv.Client() // one client: every request shares one HTTP/2 connection
	watch := func(cl *http.Client, key string) *http.Response {
		req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.URL+"/v2/keys"+key+"?wait=true", nil)
		require.NoError(t, err)
		resp, err := cl.Do(req)
		require.NoError(t, err)
		t.Cleanup(func() { _ = resp.Body.Close() })
		return resp
	}
	first, second := watch(conn, "/a"), watch(conn, "/b")
	require.Equal(t, http.StatusOK, first.StatusCode)
	require.Equal(t, http.StatusOK, second.StatusCode)
	require.Equal(t, 2, first.ProtoMajor, "the watches share one HTTP/2 connection")

	third := watch(conn, "/c")
	assert.Equal(t, http.StatusTooManyRequests, third.StatusCode)
	var msg httpError
	require.NoError(t, json.NewDecoder(third.Body).Decode(&msg))
	assert.Equal(t, "too many watchers on this connection (limit 2); open another connection", msg.Message)

	other := &http.Client{Transport: srv.Client().Transport.(*http.Transport).Clone()}
	assert.Equal(t, http.StatusOK, watch(other, "/d").StatusCode, "another connection has its own limit")

	apply(t, b, store.Request{Op: store.OpSet, Key: "/a", Value: "fires"}) // the first watch ends
	var ev store.Event
	require.NoError(t, json.NewDecoder(first.Body).Decode(&ev))
	require.Eventually(t, func() bool {
		resp := watch(conn, "/e")
		return resp.StatusCode == http.StatusOK
	}, 5*time.Second, 10*time.Millisecond, "the ended watch did not free its slot")
}

// TestSlowWatcherDoesNotStallWrites streams a watch to a client that never reads while large
// writes go on: every write completes, and the stuck watch is ended by the write timeout, which
// frees its handler and connection.
func TestSlowWatcherDoesNotStallWrites(t *testing.T) {
	b := newFakeBackend()
	h := newHandler(Config{Backend: b, WatchWriteTimeout: 200 * time.Millisecond}.withDefaults())
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)

	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	require.NoError(t, err)
	t.Cleanup(func() { _ = conn.Close() })
	require.NoError(t, conn.(*net.TCPConn).SetReadBuffer(4096))
	_, err = fmt.Fprintf(conn, "GET /v2/keys/slow?wait=true&stream=true HTTP/1.1\r\nHost: x\r\n\r\n")
	require.NoError(t, err)
	require.Eventually(t, func() bool { return h.watchers.total() == 1 }, 5*time.Second, 5*time.Millisecond)

	var done atomic.Int32
	value := strings.Repeat("v", 64<<10)
	const writes = 400 // 25 MiB of events: far more than the socket buffers hold
	go func() {
		for range writes {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			rep, err := b.Do(ctx, node.Request{Kind: node.KindWrite, Write: store.Request{Op: store.OpSet, Key: "/slow", Value: value}})
			cancel()
			if err != nil || rep.Err != nil {
				return
			}
			done.Add(1)
		}
	}()
	require.Eventually(t, func() bool { return done.Load() == writes }, 20*time.Second, 5*time.Millisecond,
		"writes stalled behind a watcher that does not read (%d of %d done)", done.Load(), writes)
	require.Eventually(t, func() bool { return h.watchers.total() == 0 }, 10*time.Second, 10*time.Millisecond,
		"the stuck watch still holds its handler")
}
