package fakeetcd

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// testWait bounds every wait in these tests: a failure is reported, never hung.
const testWait = 10 * time.Second

// call sends one request and returns status, X-Etcd-Index and body.
func call(t *testing.T, srv *httptest.Server, method, target, body string) (int, string, string) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, srv.URL+target, rd)
	require.NoError(t, err)
	if body != "" {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, resp.Header.Get("X-Etcd-Index"), string(b)
}

func TestKeysFollowTheV2Shapes(t *testing.T) {
	srv := httptest.NewServer(New(3).Handler())
	defer srv.Close()
	steps := []struct {
		method, target, body string
		status               int
		index                string
		want                 string
	}{
		{"PUT", "/v2/keys/foo", "value=one", 201, "4", `{"action":"set","node":{"key":"/foo","value":"one","modifiedIndex":4,"createdIndex":4}}`},
		{"PUT", "/v2/keys/foo?prevValue=two", "value=three", 412, "4", `{"errorCode":101,"message":"Compare failed","cause":"[two != one]","index":4}`},
		{"PUT", "/v2/keys/foo?prevIndex=9&prevValue=x", "value=three", 412, "4", `{"errorCode":101,"message":"Compare failed","cause":"[x != one] [9 != 4]","index":4}`},
		{"PUT", "/v2/keys/foo?prevExist=false", "value=x", 412, "4", `{"errorCode":105,"message":"Key already exists","cause":"/foo","index":4}`},
		{"PUT", "/v2/keys/foo?prevValue=one", "value=two", 200, "5", `{"action":"compareAndSwap","node":{"key":"/foo","value":"two","modifiedIndex":5,"createdIndex":4},"prevNode":{"key":"/foo","value":"one","modifiedIndex":4,"createdIndex":4}}`},
		{"PUT", "/v2/keys/d/e/f", "value=", 201, "6", `{"action":"set","node":{"key":"/d/e/f","value":"","modifiedIndex":6,"createdIndex":6}}`},
		{"GET", "/v2/keys/d?recursive=true&sorted=true", "", 200, "6", `{"action":"get","node":{"key":"/d","dir":true,"nodes":[{"key":"/d/e","dir":true,"nodes":[{"key":"/d/e/f","value":"","modifiedIndex":6,"createdIndex":6}],"modifiedIndex":6,"createdIndex":6}],"modifiedIndex":6,"createdIndex":6}}`},
		{"GET", "/v2/keys/d/x/y", "", 404, "6", `{"errorCode":100,"message":"Key not found","cause":"/d/x","index":6}`},
		{"GET", "/v2/keys/foo/bar", "", 400, "6", `{"errorCode":104,"message":"Not a directory","cause":"/foo","index":6}`},
		{"DELETE", "/v2/keys/d", "", 403, "6", `{"errorCode":102,"message":"Not a file","cause":"/d","index":6}`},
		{"DELETE", "/v2/keys/d?dir=true", "", 403, "6", `{"errorCode":108,"message":"Directory not empty","cause":"/d","index":6}`},
		{"DELETE", "/v2/keys/d?recursive=true", "", 200, "7", `{"action":"delete","node":{"key":"/d","dir":true,"modifiedIndex":7,"createdIndex":6},"prevNode":{"key":"/d","dir":true,"modifiedIndex":6,"createdIndex":6}}`},
		{"POST", "/v2/keys/q", "value=job", 201, "8", `{"action":"create","node":{"key":"/q/00000000000000000008","value":"job","modifiedIndex":8,"createdIndex":8}}`},
		{"PUT", "/v2/keys/", "value=x", 400, "8", `{"errorCode":107,"message":"Root is read only","cause":"/","index":8}`},
		{"GET", "/v2/keys/_hidden", "", 404, "8", `{"errorCode":100,"message":"Key not found","cause":"/_hidden","index":8}`},
	}
	for _, st := range steps {
		status, index, body := call(t, srv, st.method, st.target, st.body)
		assert.Equal(t, st.status, status, "%s %s", st.method, st.target)
		assert.Equal(t, st.index, index, "%s %s", st.method, st.target)
		assert.Equal(t, st.want+"\n", body, "%s %s", st.method, st.target)
	}
}

func TestUnsortedListingsAreReversed(t *testing.T) {
	srv := httptest.NewServer(New(0).Handler())
	defer srv.Close()
	for _, k := range []string{"a", "b", "_c"} {
		status, _, _ := call(t, srv, "PUT", "/v2/keys/dir/"+k, "value=1")
		require.Equal(t, 201, status)
	}
	_, _, sorted := call(t, srv, "GET", "/v2/keys/dir?sorted=true", "")
	_, _, unsorted := call(t, srv, "GET", "/v2/keys/dir", "")
	assert.Less(t, strings.Index(sorted, "/dir/a"), strings.Index(sorted, "/dir/b"))
	assert.Greater(t, strings.Index(unsorted, "/dir/a"), strings.Index(unsorted, "/dir/b"))
	assert.NotContains(t, sorted, "_c", "hidden keys are never listed")
}

func TestWatchFromHistoryAndLive(t *testing.T) {
	f := New(0)
	srv := httptest.NewServer(f.Handler())
	defer srv.Close()
	defer srv.CloseClientConnections() // a watch left blocked must not block srv.Close forever
	call(t, srv, "PUT", "/v2/keys/w/a", "value=1")
	status, index, body := call(t, srv, "GET", "/v2/keys/w?wait=true&recursive=true&waitIndex=1", "")
	assert.Equal(t, 200, status)
	assert.Equal(t, "1", index)
	assert.Contains(t, body, `"key":"/w/a"`)
	assert.Zero(t, f.Waiting(), "a watch answered from history never waits")

	done := make(chan string, 1)
	go func() {
		resp, err := http.Get(srv.URL + "/v2/keys/w/b?wait=true")
		if err != nil {
			done <- err.Error()
			return
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		done <- resp.Header.Get("X-Etcd-Index") + " " + string(b)
	}()
	// Write only once the watch is registered: the request log shows it earlier, and a write
	// landing in between would be missed by a waitIndex-less watch, which would then wait forever.
	require.Eventually(t, func() bool { return f.Waiting() == 1 }, testWait, time.Millisecond, "watch never registered")
	call(t, srv, "PUT", "/v2/keys/w/b", "value=2")
	select {
	case got := <-done:
		assert.True(t, strings.HasPrefix(got, "1 "), got)
		assert.Contains(t, got, `"value":"2"`)
	case <-time.After(testWait):
		t.Fatal("the live watch never saw the write")
	}
	require.Eventually(t, func() bool { return f.Waiting() == 0 }, testWait, time.Millisecond, "answered watch still counted")
}

func TestMembersAPI(t *testing.T) {
	f := New(0)
	f.SetMembers([]Member{{ID: "1", Name: "n1", PeerURLs: []string{"http://p1:2380"}, ClientURLs: []string{"http://c1:2379"}}}, "1")
	srv := httptest.NewServer(f.Handler())
	defer srv.Close()

	post := func(body string) (int, string) {
		resp, err := http.Post(srv.URL+"/v2/members", "application/json", strings.NewReader(body))
		require.NoError(t, err)
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	status, body := post(`{"peerURLs":["http://p2:2380"]}`)
	assert.Equal(t, 201, status)
	assert.Equal(t, `{"id":"a001","name":"","peerURLs":["http://p2:2380"],"clientURLs":[]}`+"\n", body)
	status, body = post(`{"peerURLs":["http://p2:2380"]}`)
	assert.Equal(t, 409, status)
	assert.Equal(t, `{"message":"membership: peerURL exists"}`, body)

	status, _, _ = call(t, srv, "DELETE", "/v2/members/a001", "")
	assert.Equal(t, 204, status)
	status, _, body = call(t, srv, "DELETE", "/v2/members/a001", "")
	assert.Equal(t, 410, status)
	assert.Equal(t, `{"message":"Member permanently removed: a001"}`, body)
	_, _, body = call(t, srv, "GET", "/v2/members/leader", "")
	assert.Contains(t, body, `"name":"n1"`)
}

func TestSwitches(t *testing.T) {
	f := New(0)
	srv := httptest.NewServer(f.Handler())
	defer srv.Close()

	f.SetHealthy(false)
	status, _, body := call(t, srv, "GET", "/health", "")
	assert.Equal(t, 503, status)
	assert.Equal(t, `{"health":"false","reason":"RAFT NO LEADER"}`+"\n", body)

	f.SetUnavailable(true)
	status, index, _ := call(t, srv, "GET", "/v2/keys/", "")
	assert.Equal(t, 500, status)
	assert.Equal(t, "0", index)
	f.SetUnavailable(false)

	f.RequireAuth("root", "pw")
	status, _, body = call(t, srv, "GET", "/v2/keys/", "")
	assert.Equal(t, 401, status)
	assert.Contains(t, body, `"cause":"Insufficient credentials"`)
	u, err := url.Parse(srv.URL)
	require.NoError(t, err)
	u.User = url.UserPassword("root", "pw")
	resp, err := http.Get(u.String() + "/v2/keys/")
	require.NoError(t, err)
	require.NoError(t, resp.Body.Close())
	assert.Equal(t, 200, resp.StatusCode)
}
