package v2client

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNewRejectsBadEndpoints(t *testing.T) {
	tests := []struct {
		name      string
		endpoints []string
	}{
		{"none", nil},
		{"empty entry", []string{"http://a:1", " "}},
		{"unparsable", []string{"http://[::1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(tt.endpoints, Options{})
			require.Error(t, err)
		})
	}
}

func TestNewDefaultsSchemeToHTTP(t *testing.T) {
	c, err := New([]string{"127.0.0.1:2379", "https://h:1"}, Options{})
	require.NoError(t, err)
	assert.Equal(t, []string{"http://127.0.0.1:2379", "https://h:1"}, c.Endpoints())
}

func TestFailoverOnConnectionErrorAndPinning(t *testing.T) {
	rec := newRecorder(t, fixed(http.StatusOK, okSet, nil))
	dead := deadEndpoint(t)
	c, err := New([]string{dead, rec.srv.URL}, Options{})
	require.NoError(t, err)

	_, err = c.Get(context.Background(), "/foo", GetOptions{})
	require.NoError(t, err)
	_, err = c.Get(context.Background(), "/foo", GetOptions{})
	require.NoError(t, err)
	assert.Len(t, rec.requests(), 2)
	c.mu.Lock()
	assert.Equal(t, 1, c.pinned, "the client sticks to the endpoint that answered")
	c.mu.Unlock()
}

func TestFailoverOnNoLeader(t *testing.T) {
	for _, status := range []int{http.StatusInternalServerError, http.StatusServiceUnavailable} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			sick := newRecorder(t, fixed(status, `{"errorCode":300,"message":"Raft Internal Error","cause":"etcdserver: request timed out","index":0}`, nil))
			good := newRecorder(t, fixed(http.StatusOK, okSet, nil))
			c, err := New([]string{sick.srv.URL, good.srv.URL}, Options{})
			require.NoError(t, err)
			resp, err := c.Set(context.Background(), "/foo", "bar", SetOptions{})
			require.NoError(t, err)
			assert.Equal(t, "bar", resp.Node.Value)
			assert.Len(t, sick.requests(), 1)
			assert.Len(t, good.requests(), 1)
			assert.Equal(t, url2form("bar"), good.last(t).Body, "the body is sent again to the next endpoint")
		})
	}
}

func url2form(v string) string { return "value=" + v }

func TestAllEndpointsFailingGivesClusterError(t *testing.T) {
	dead := deadEndpoint(t)
	sick := newRecorder(t, fixed(http.StatusServiceUnavailable, "", nil))
	odd := newRecorder(t, fixed(http.StatusBadGateway, "", nil))
	c, err := New([]string{dead, sick.srv.URL, odd.srv.URL}, Options{})
	require.NoError(t, err)

	_, err = c.Get(context.Background(), "/foo", GetOptions{})
	var cerr *ClusterError
	require.ErrorAs(t, err, &cerr)
	require.Len(t, cerr.Errors, 3)
	require.ErrorIs(t, err, syscall.ECONNREFUSED)

	host := strings.TrimPrefix(dead, "http://")
	first := "dial tcp " + host + ": connect: connection refused"
	second := "client: etcd member " + sick.srv.URL + " has no leader"
	third := "client: etcd member " + odd.srv.URL + " returns server error [Bad Gateway]"
	assert.Equal(t, "client: etcd cluster is unavailable or misconfigured; error #0: "+first+"\n; error #1: "+second+"\n; error #2: "+third+"\n", err.Error())
	assert.Equal(t, "error #0: "+first+"\nerror #1: "+second+"\nerror #2: "+third+"\n", cerr.Detail())
}

func TestHeaderTimeoutMovesToNextEndpoint(t *testing.T) {
	release := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer slow.Close()
	defer close(release)
	good := newRecorder(t, fixed(http.StatusOK, okSet, nil))

	c, err := New([]string{slow.URL, good.srv.URL}, Options{Timeout: 150 * time.Millisecond})
	require.NoError(t, err)
	_, err = c.Get(context.Background(), "/foo", GetOptions{})
	require.NoError(t, err)

	c2, err := New([]string{slow.URL}, Options{Timeout: 150 * time.Millisecond})
	require.NoError(t, err)
	_, err = c2.Get(context.Background(), "/foo", GetOptions{})
	var cerr *ClusterError
	require.ErrorAs(t, err, &cerr)
	assert.EqualError(t, cerr.Errors[0], "client: endpoint "+slow.URL+" exceeded header timeout")
}

func TestHeaderTimeoutDoesNotCutALongBody(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Etcd-Index", "3")
		w.WriteHeader(http.StatusOK)
		w.(http.Flusher).Flush()
		<-release
		_, _ = w.Write([]byte(okSet))
	}))
	defer srv.Close()
	c, err := New([]string{srv.URL}, Options{Timeout: 100 * time.Millisecond})
	require.NoError(t, err)
	w := c.Watch("/foo", WatchOptions{})
	go func() {
		time.Sleep(300 * time.Millisecond) // longer than the header timeout, on purpose
		close(release)
	}()
	resp, err := w.Next(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "bar", resp.Node.Value)
}

func TestCancelledContextStopsAtOnce(t *testing.T) {
	rec := newRecorder(t, fixed(http.StatusOK, okSet, nil))
	c, err := New([]string{deadEndpoint(t), rec.srv.URL}, Options{})
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = c.Get(ctx, "/foo", GetOptions{})
	require.ErrorIs(t, err, context.Canceled)
	var cerr *ClusterError
	assert.False(t, errors.As(err, &cerr))
	assert.Empty(t, rec.requests())
}

func TestBasicAuthIsSent(t *testing.T) {
	rec := newRecorder(t, fixed(http.StatusOK, okSet, nil))
	c, err := New([]string{rec.srv.URL}, Options{Username: "root", Password: "pw"})
	require.NoError(t, err)
	_, err = c.Get(context.Background(), "/foo", GetOptions{})
	require.NoError(t, err)
	assert.Equal(t, "root", rec.last(t).User)
	assert.Equal(t, "pw", rec.last(t).Password)

	healthy, err := c.Health(context.Background(), rec.srv.URL)
	require.NoError(t, err)
	assert.False(t, healthy, "a body without \"health\" is not healthy")
	assert.Equal(t, "root", rec.last(t).User)
}

func TestSetEndpointsRejectsEmpty(t *testing.T) {
	c, err := New([]string{"http://a:1"}, Options{})
	require.NoError(t, err)
	require.ErrorIs(t, c.SetEndpoints(nil), ErrNoEndpoints)
	assert.Equal(t, []string{"http://a:1"}, c.Endpoints())
}

func TestCurlDebugLines(t *testing.T) {
	rec := newRecorder(t, fixed(http.StatusOK, okSet, nil))
	var out strings.Builder
	c, err := New([]string{rec.srv.URL}, Options{CurlTo: &out})
	require.NoError(t, err)
	_, err = c.Set(context.Background(), "/foo", "bar", SetOptions{PrevExist: PrevNoExist})
	require.NoError(t, err)
	_, err = c.Get(context.Background(), "/foo", GetOptions{})
	require.NoError(t, err)
	assert.Equal(t, "cURL Command: curl -X PUT "+rec.srv.URL+`/v2/keys/foo?prevExist=false -d "value=bar"`+"\n"+
		"cURL Command: curl -X GET "+rec.srv.URL+"/v2/keys/foo?quorum=false&recursive=false&sorted=false\n", out.String())
}
