package httpapi

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/raftlab/raftlab/core/store"
)

// watchServer runs the handler on a real HTTP server (watches need streaming).
func watchServer(t *testing.T) (*httptest.Server, *fakeBackend) {
	t.Helper()
	h, b := newTestHandler(t)
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv, b
}

// startWatch issues a watch and returns once its headers arrived (the watcher is registered).
func startWatch(t *testing.T, ctx context.Context, srv *httptest.Server, target string) *http.Response {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+target, nil)
	require.NoError(t, err)
	resp, err := srv.Client().Do(req)
	require.NoError(t, err)
	t.Cleanup(func() { _ = resp.Body.Close() })
	return resp
}

func apply(t *testing.T, b *fakeBackend, r store.Request) *store.Event {
	t.Helper()
	ev, err := b.st.Apply(r)
	require.NoError(t, err)
	return ev
}

func TestWatchOneShot(t *testing.T) {
	srv, b := watchServer(t)
	apply(t, b, store.Request{Op: store.OpSet, Key: "/other", Value: "x"})
	resp := startWatch(t, context.Background(), srv, "/v2/keys/w?wait=true")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "1", resp.Header.Get("X-Etcd-Index"), "the index at registration")
	assert.NotEmpty(t, resp.Header.Get("X-Raft-Index"))
	assert.Equal(t, "c8730d66636ff140", resp.Header.Get("X-Etcd-Cluster-Id"))
	assert.Equal(t, []string{"chunked"}, resp.TransferEncoding)

	apply(t, b, store.Request{Op: store.OpSet, Key: "/w2", Value: "unrelated"})
	ev := apply(t, b, store.Request{Op: store.OpSet, Key: "/w", Value: "1"})
	apply(t, b, store.Request{Op: store.OpSet, Key: "/w", Value: "2"})
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err, "one event, then the response ends")
	idx := ev.Index()
	assert.Equal(t, fmt.Sprintf(`{"action":"set","node":{"key":"/w","value":"1","modifiedIndex":%d,"createdIndex":%d}}`+"\n", idx, idx), string(body))
	require.Eventually(t, func() bool { return b.st.Stats().Watchers == 0 }, 5*time.Second, time.Millisecond)
}

func TestWatchRecursiveStream(t *testing.T) {
	srv, b := watchServer(t)
	resp := startWatch(t, context.Background(), srv, "/v2/keys/dir?wait=true&recursive=true&stream=true")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	lines := bufio.NewReader(resp.Body)
	for i, key := range []string{"/dir/a", "/dir/b/c", "/dir"} {
		r := store.Request{Op: store.OpSet, Key: key, Value: strconv.Itoa(i)}
		if key == "/dir" {
			r = store.Request{Op: store.OpDelete, Key: key, Recursive: true}
		}
		ev := apply(t, b, r)
		line, err := lines.ReadString('\n')
		require.NoError(t, err)
		assert.Contains(t, line, fmt.Sprintf(`{"action":"%s","node":{"key":"%s"`, ev.Action, key))
	}
	assert.Equal(t, uint64(1), b.st.Stats().Watchers, "a stream stays registered")
}

func TestWatchFromHistory(t *testing.T) {
	srv, b := watchServer(t)
	first := apply(t, b, store.Request{Op: store.OpSet, Key: "/h", Value: "a"})
	apply(t, b, store.Request{Op: store.OpSet, Key: "/h", Value: "b"})
	resp := startWatch(t, context.Background(), srv, "/v2/keys/h?wait=true&waitIndex="+strconv.FormatUint(first.Index(), 10))
	assert.Equal(t, "2", resp.Header.Get("X-Etcd-Index"))
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	assert.Equal(t, `{"action":"set","node":{"key":"/h","value":"a","modifiedIndex":1,"createdIndex":1}}`+"\n", string(body))
}

func TestWatchHistoryCleared(t *testing.T) {
	h, b := newTestHandler(t)
	for i := range 1005 {
		apply(t, b, store.Request{Op: store.OpSet, Key: "/k", Value: strconv.Itoa(i)})
	}
	rec := mustServe(t, h, http.MethodGet, "/v2/keys/k?wait=true&waitIndex=2", "", http.StatusBadRequest)
	idx := b.st.Index()
	assert.Equal(t, fmt.Sprintf(`{"errorCode":401,"message":"The event in requested index is outdated and cleared","cause":"the requested history has been cleared [%d/2]","index":%d}`+"\n", idx-999, idx), rec.Body.String())
	assert.Equal(t, strconv.FormatUint(idx, 10), rec.Header().Get("X-Etcd-Index"))
}

func TestWatchEndsWhenTheClientLeaves(t *testing.T) {
	srv, b := watchServer(t)
	ctx, cancel := context.WithCancel(context.Background())
	resp := startWatch(t, ctx, srv, "/v2/keys/gone?wait=true&stream=true")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Equal(t, uint64(1), b.st.Stats().Watchers)
	cancel()
	require.Eventually(t, func() bool { return b.st.Stats().Watchers == 0 }, 5*time.Second, time.Millisecond,
		"the handler removes the watcher when the client disconnects")
}
