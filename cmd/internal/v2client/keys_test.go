package v2client

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const okSet = `{"action":"set","node":{"key":"/foo","value":"bar","modifiedIndex":7,"createdIndex":7}}` + "\n"

func TestSetPlacesParametersLikeClientV2(t *testing.T) {
	tests := []struct {
		name      string
		value     string
		opts      SetOptions
		wantQuery url.Values
		wantForm  url.Values
	}{
		{"plain", "bar", SetOptions{}, url.Values{}, url.Values{"value": {"bar"}}},
		{"ttl in body", "bar", SetOptions{TTL: 5 * time.Second}, url.Values{}, url.Values{"value": {"bar"}, "ttl": {"5"}}},
		{"zero ttl on request", "bar", SetOptions{HasTTL: true}, url.Values{}, url.Values{"value": {"bar"}, "ttl": {"0"}}},
		{"compare and swap", "three", SetOptions{PrevValue: "two", PrevIndex: 9},
			url.Values{"prevValue": {"two"}, "prevIndex": {"9"}}, url.Values{"value": {"three"}}},
		{"create", "v", SetOptions{PrevExist: PrevNoExist}, url.Values{"prevExist": {"false"}}, url.Values{"value": {"v"}}},
		{"directory drops value and prevValue", "ignored", SetOptions{Dir: true, PrevValue: "x", PrevExist: PrevExist, TTL: 3 * time.Second},
			url.Values{"dir": {"true"}, "prevExist": {"true"}}, url.Values{"ttl": {"3"}}},
		{"refresh", "", SetOptions{Refresh: true, TTL: 10 * time.Second, PrevExist: PrevExist},
			url.Values{"prevExist": {"true"}}, url.Values{"value": {""}, "ttl": {"10"}, "refresh": {"true"}}},
		{"no value on success", "v", SetOptions{NoValueOnSuccess: true}, url.Values{"noValueOnSuccess": {"true"}}, url.Values{"value": {"v"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := newRecorder(t, fixed(http.StatusOK, okSet, nil))
			c, err := New([]string{rec.srv.URL}, Options{})
			require.NoError(t, err)
			_, err = c.Set(context.Background(), "/foo", tt.value, tt.opts)
			require.NoError(t, err)
			got := rec.last(t)
			assert.Equal(t, http.MethodPut, got.Method)
			assert.Equal(t, "/v2/keys/foo", got.Path)
			assert.Equal(t, tt.wantQuery, got.Query)
			assert.Equal(t, tt.wantForm, form(t, got.Body))
			assert.Equal(t, "application/x-www-form-urlencoded", got.ContentType)
		})
	}
}

func TestCreateUpdateCreateInOrderAndDelete(t *testing.T) {
	rec := newRecorder(t, fixed(http.StatusCreated, okSet, nil))
	c, err := New([]string{rec.srv.URL}, Options{})
	require.NoError(t, err)
	ctx := context.Background()

	_, err = c.Create(ctx, "/a", "1", 0)
	require.NoError(t, err)
	assert.Equal(t, url.Values{"prevExist": {"false"}}, rec.last(t).Query)

	_, err = c.Update(ctx, "/a", "2", 4*time.Second)
	require.NoError(t, err)
	assert.Equal(t, url.Values{"prevExist": {"true"}}, rec.last(t).Query)
	assert.Equal(t, url.Values{"value": {"2"}, "ttl": {"4"}}, form(t, rec.last(t).Body))

	_, err = c.CreateInOrder(ctx, "/queue", "job", 2*time.Second)
	require.NoError(t, err)
	assert.Equal(t, http.MethodPost, rec.last(t).Method)
	assert.Equal(t, "/v2/keys/queue", rec.last(t).Path)
	assert.Equal(t, url.Values{"value": {"job"}, "ttl": {"2"}}, form(t, rec.last(t).Body))

	_, err = c.Delete(ctx, "/a", DeleteOptions{PrevValue: "2", PrevIndex: 3, Dir: true, Recursive: true})
	require.NoError(t, err)
	assert.Equal(t, http.MethodDelete, rec.last(t).Method)
	assert.Equal(t, url.Values{"prevValue": {"2"}, "prevIndex": {"3"}, "dir": {"true"}, "recursive": {"true"}}, rec.last(t).Query)
	assert.Empty(t, rec.last(t).Body)
}

func TestGetDecodesBodyAndHeaders(t *testing.T) {
	body := `{"action":"get","node":{"key":"/dir","dir":true,"nodes":[{"key":"/dir/a","value":"1","expiration":"2026-11-24T06:13:42.44866896Z","ttl":5,"modifiedIndex":4,"createdIndex":3}],"modifiedIndex":2,"createdIndex":2}}` + "\n"
	rec := newRecorder(t, fixed(http.StatusOK, body, map[string]string{
		"X-Etcd-Index": "12", "X-Raft-Index": "40", "X-Raft-Term": "3", "X-Etcd-Cluster-Id": "c8730d66636ff140",
	}))
	c, err := New([]string{rec.srv.URL}, Options{})
	require.NoError(t, err)
	resp, err := c.Get(context.Background(), "dir", GetOptions{Recursive: true, Sorted: true, Quorum: true})
	require.NoError(t, err)

	got := rec.last(t)
	assert.Equal(t, url.Values{"recursive": {"true"}, "sorted": {"true"}, "quorum": {"true"}}, got.Query)
	assert.Equal(t, "/v2/keys/dir", got.Path)
	assert.Equal(t, "get", resp.Action)
	assert.Equal(t, uint64(12), resp.Index)
	assert.Equal(t, uint64(40), resp.RaftIndex)
	assert.Equal(t, uint64(3), resp.RaftTerm)
	assert.Equal(t, "c8730d66636ff140", resp.ClusterID)
	require.True(t, resp.Node.Dir)
	require.Len(t, resp.Node.Nodes, 1)
	child := resp.Node.Nodes[0]
	assert.Equal(t, "/dir/a", child.Key)
	assert.Equal(t, int64(5), child.TTL)
	require.NotNil(t, child.Expiration)
	assert.Equal(t, 2026, child.Expiration.Year())
}

func TestKeyPathsAreCleanedAndEscaped(t *testing.T) {
	tests := []struct{ key, wantEscaped string }{
		{"/foo", "/v2/keys/foo"},
		{"foo", "/v2/keys/foo"},
		{"/", "/v2/keys/"},
		{"/a//b/../c", "/v2/keys/a/c"},
		{"/dir/", "/v2/keys/dir/"},
		{"/a b?c", "/v2/keys/a%20b%3Fc"},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			rec := newRecorder(t, fixed(http.StatusOK, okSet, nil))
			c, err := New([]string{rec.srv.URL}, Options{})
			require.NoError(t, err)
			_, err = c.Get(context.Background(), tt.key, GetOptions{})
			require.NoError(t, err)
			assert.Equal(t, tt.wantEscaped, rec.last(t).RawPath)
		})
	}
}

func TestKeysPrefixAddressesKeysByTheirWholePath(t *testing.T) {
	rec := newRecorder(t, fixed(http.StatusOK, okSet, nil))
	c, err := New([]string{rec.srv.URL}, Options{KeysPrefix: "/"})
	require.NoError(t, err)
	ctx := context.Background()
	_, err = c.Get(ctx, "/v2/keys/_etcd/registry/tok/_config/size", GetOptions{})
	require.NoError(t, err)
	assert.Equal(t, "/v2/keys/_etcd/registry/tok/_config/size", rec.last(t).RawPath)
	_, err = c.Create(ctx, "/tok/8e9e", "m=http://a:2380", 0)
	require.NoError(t, err)
	assert.Equal(t, "/tok/8e9e", rec.last(t).RawPath, "a discovery service's own path")
	_, err = c.Watch("/tok", WatchOptions{AfterIndex: 4, Recursive: true}).Next(ctx)
	require.NoError(t, err)
	assert.Equal(t, "/tok", rec.last(t).RawPath)
	assert.Equal(t, "5", rec.last(t).Query.Get("waitIndex"))
}

func TestKeyErrorsComeBackAsError(t *testing.T) {
	body := `{"errorCode":101,"message":"Compare failed","cause":"[two != one]","index":31627}` + "\n"
	rec := newRecorder(t, fixed(http.StatusPreconditionFailed, body, map[string]string{"X-Etcd-Index": "31627"}))
	c, err := New([]string{rec.srv.URL}, Options{})
	require.NoError(t, err)
	_, err = c.Set(context.Background(), "/foo", "three", SetOptions{PrevValue: "two"})
	var kerr *Error
	require.ErrorAs(t, err, &kerr)
	assert.Equal(t, 101, kerr.ErrorCode)
	assert.Equal(t, "101: Compare failed ([two != one]) [31627]", err.Error())
	assert.Len(t, rec.requests(), 1, "a key error must not trigger failover")
}

func TestNonJSONErrorIsReported(t *testing.T) {
	rec := newRecorder(t, fixed(http.StatusNotFound, "404 page not found\n", nil))
	c, err := New([]string{rec.srv.URL}, Options{})
	require.NoError(t, err)
	_, err = c.Get(context.Background(), "/x", GetOptions{})
	require.ErrorIs(t, err, ErrInvalidJSON)
}

func TestNoValueOnSuccessHasNoNode(t *testing.T) {
	rec := newRecorder(t, fixed(http.StatusCreated, `{"action":"set"}`+"\n", map[string]string{"X-Etcd-Index": "5"}))
	c, err := New([]string{rec.srv.URL}, Options{})
	require.NoError(t, err)
	resp, err := c.Set(context.Background(), "/x", "v", SetOptions{NoValueOnSuccess: true})
	require.NoError(t, err)
	assert.Equal(t, "set", resp.Action)
	assert.Nil(t, resp.Node)
	assert.Equal(t, uint64(5), resp.Index)
}

func TestResponseMarshalsLikeClientV2(t *testing.T) {
	resp := &Response{Action: "get", Node: &Node{Key: "/a/one", Value: "two", CreatedIndex: 1044, ModifiedIndex: 1045}, Index: 9}
	b, err := json.Marshal(resp)
	require.NoError(t, err)
	assert.Equal(t, `{"action":"get","node":{"key":"/a/one","value":"two","nodes":null,"createdIndex":1044,"modifiedIndex":1045},"prevNode":null}`, string(b))
}

func TestBadHeaderIsAnError(t *testing.T) {
	rec := newRecorder(t, fixed(http.StatusOK, okSet, map[string]string{"X-Etcd-Index": "abc"}))
	c, err := New([]string{rec.srv.URL}, Options{})
	require.NoError(t, err)
	_, err = c.Get(context.Background(), "/foo", GetOptions{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "X-Etcd-Index")
	assert.False(t, errors.Is(err, ErrInvalidJSON))
}
