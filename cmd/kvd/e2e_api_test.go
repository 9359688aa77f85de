package main

import (
	"bufio"
	"encoding/json"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	client "go.etcd.io/etcd/client/v2"
)

type keysAnswer struct {
	Action string `json:"action"`
	Node   struct {
		Key           string `json:"key"`
		Value         string `json:"value"`
		Dir           bool   `json:"dir"`
		ModifiedIndex uint64 `json:"modifiedIndex"`
		Nodes         []struct {
			Key   string `json:"key"`
			Value string `json:"value"`
		} `json:"nodes"`
	} `json:"node"`
	ErrorCode int    `json:"errorCode"`
	Message   string `json:"message"`
	Cause     string `json:"cause"`
}

func decodeKeys(t *testing.T, body string) keysAnswer {
	t.Helper()
	var a keysAnswer
	require.NoError(t, json.Unmarshal([]byte(body), &a), body)
	return a
}

// TestTalkCurlExamples replays the talk's HTTP examples against a 3-member cluster, each through
// another member (writes on followers are forwarded to the leader).
func TestTalkCurlExamples(t *testing.T) {
	c := startCluster(t, 3)
	m0, m1, m2 := c.members[0].ClientURL, c.members[1].ClientURL, c.members[2].ClientURL

	code, _, body, err := curl(http.MethodPut, m0+"/v2/keys/nosql/foo", url.Values{"value": {"bar"}})
	require.NoError(t, err)
	require.Equal(t, http.StatusCreated, code, body)
	set := decodeKeys(t, body)
	assert.Equal(t, "set", set.Action)
	assert.Equal(t, "/nosql/foo", set.Node.Key)
	assert.Equal(t, "bar", set.Node.Value)

	code, _, body, err = curl(http.MethodGet, m1+"/v2/keys/nosql?quorum=true", nil)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, code, body)
	list := decodeKeys(t, body)
	assert.True(t, list.Node.Dir)
	require.Len(t, list.Node.Nodes, 1)
	assert.Equal(t, "/nosql/foo", list.Node.Nodes[0].Key)
	assert.Equal(t, "bar", list.Node.Nodes[0].Value)

	code, _, body, err = curl(http.MethodGet, m2+"/v2/keys/nosql/foo?quorum=true", nil)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, code, body)
	assert.Equal(t, "get", decodeKeys(t, body).Action)

	// Compare and swap that fails: 412 with etcd's error 101.
	code, _, body, err = curl(http.MethodPut, m1+"/v2/keys/foo", url.Values{"value": {"one"}})
	require.NoError(t, err)
	require.Equal(t, http.StatusCreated, code, body)
	code, hdr, body, err := curl(http.MethodPut, m2+"/v2/keys/foo?prevValue=two", url.Values{"value": {"three"}})
	require.NoError(t, err)
	assert.Equal(t, http.StatusPreconditionFailed, code)
	cas := decodeKeys(t, body)
	assert.Equal(t, 101, cas.ErrorCode)
	assert.Equal(t, "Compare failed", cas.Message)
	assert.Equal(t, "[two != one]", cas.Cause)
	assert.NotEmpty(t, hdr.Get("X-Etcd-Index"))

	// Recursive watch on one member sees a write made through another.
	req, err := http.NewRequest(http.MethodGet, m0+"/v2/keys/web-service/backends?wait=true&recursive=true", nil)
	require.NoError(t, err)
	watchDone := make(chan keysAnswer, 1)
	watchErr := make(chan error, 1)
	resp, err := httpClient.Do(req) // the headers come back at once; the body waits for the event
	require.NoError(t, err)
	defer func() { _ = resp.Body.Close() }()
	go func() {
		var a keysAnswer
		if err := json.NewDecoder(bufio.NewReader(resp.Body)).Decode(&a); err != nil {
			watchErr <- err
			return
		}
		watchDone <- a
	}()
	code, _, body, err = curl(http.MethodPut, m2+"/v2/keys/web-service/backends/b1", url.Values{"value": {"10.0.0.1:80"}})
	require.NoError(t, err)
	require.Equal(t, http.StatusCreated, code, body)
	select {
	case a := <-watchDone:
		assert.Equal(t, "set", a.Action)
		assert.Equal(t, "/web-service/backends/b1", a.Node.Key)
		assert.Equal(t, "10.0.0.1:80", a.Node.Value)
	case err := <-watchErr:
		t.Fatal(err)
	case <-time.After(10 * time.Second):
		t.Fatal("the watch saw nothing")
	}
}

// TestOfficialClient drives the cluster with go.etcd.io/etcd/client/v2.
func TestOfficialClient(t *testing.T) {
	c := startCluster(t, 3)
	cl, err := client.New(client.Config{Endpoints: c.endpoints(), Transport: client.DefaultTransport,
		HeaderTimeoutPerRequest: 15 * time.Second}) // generous: CI machines can be slow
	require.NoError(t, err)
	kapi := client.NewKeysAPI(cl)
	ctx := ctxTimeout(t, 60*time.Second)

	r, err := kapi.Set(ctx, "/dir/a", "1", nil)
	require.NoError(t, err)
	assert.Equal(t, "set", r.Action)
	first := r.Node.ModifiedIndex

	r, err = kapi.Create(ctx, "/dir/b", "2")
	require.NoError(t, err)
	assert.Equal(t, "create", r.Action)
	_, err = kapi.Create(ctx, "/dir/b", "again")
	var ce client.Error
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, client.ErrorCodeNodeExist, ce.Code)

	r, err = kapi.Get(ctx, "/dir", &client.GetOptions{Recursive: true, Sort: true, Quorum: true})
	require.NoError(t, err)
	require.Len(t, r.Node.Nodes, 2)
	assert.Equal(t, "/dir/a", r.Node.Nodes[0].Key)
	assert.Equal(t, "2", r.Node.Nodes[1].Value)

	r, err = kapi.Set(ctx, "/dir/a", "1b", &client.SetOptions{PrevValue: "1"})
	require.NoError(t, err)
	assert.Equal(t, "compareAndSwap", r.Action)
	_, err = kapi.Set(ctx, "/dir/a", "x", &client.SetOptions{PrevIndex: first})
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, client.ErrorCodeTestFailed, ce.Code)

	_, err = kapi.Delete(ctx, "/dir/b", &client.DeleteOptions{PrevValue: "nope"})
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, client.ErrorCodeTestFailed, ce.Code)
	r, err = kapi.Delete(ctx, "/dir/b", &client.DeleteOptions{PrevValue: "2"})
	require.NoError(t, err)
	assert.Equal(t, "compareAndDelete", r.Action)

	r, err = kapi.Set(ctx, "/ttl", "soon", &client.SetOptions{TTL: 5 * time.Second})
	require.NoError(t, err)
	assert.Equal(t, int64(5), r.Node.TTL)
	require.NotNil(t, r.Node.Expiration)

	q1, err := kapi.CreateInOrder(ctx, "/queue", "job1", nil)
	require.NoError(t, err)
	q2, err := kapi.CreateInOrder(ctx, "/queue", "job2", nil)
	require.NoError(t, err)
	assert.Less(t, q1.Node.CreatedIndex, q2.Node.CreatedIndex)
	r, err = kapi.Get(ctx, "/queue", &client.GetOptions{Sort: true})
	require.NoError(t, err)
	require.Len(t, r.Node.Nodes, 2)
	assert.Equal(t, "job1", r.Node.Nodes[0].Value)

	// A watch from a past index replays history; one without an index waits for the next change.
	w := kapi.Watcher("/dir/a", &client.WatcherOptions{AfterIndex: first})
	r, err = w.Next(ctx)
	require.NoError(t, err)
	assert.Equal(t, "1b", r.Node.Value)
	live := kapi.Watcher("/dir", &client.WatcherOptions{Recursive: true})
	got := make(chan *client.Response, 1)
	go func() {
		r, err := live.Next(ctx)
		if err == nil {
			got <- r
		}
		close(got)
	}()
	// The watch has no index, so it sees only writes after it reached the server: write until it
	// fires.
	var r2 *client.Response
	for r2 == nil {
		_, err = kapi.Set(ctx, "/dir/c", "3", nil)
		require.NoError(t, err)
		select {
		case r2 = <-got:
			require.NotNil(t, r2, "the live watch failed")
		case <-time.After(50 * time.Millisecond):
		}
	}
	assert.Equal(t, "/dir/c", r2.Node.Key)
	assert.Equal(t, "3", r2.Node.Value)

	mapi := client.NewMembersAPI(cl)
	// Each member publishes its client URLs through the log once it runs (as etcd's do), so right
	// after start a member may still be listed without them: wait until all three have published.
	var ms []client.Member
	require.Eventually(t, func() bool {
		ms, err = mapi.List(ctx)
		if err != nil || len(ms) != 3 {
			return false
		}
		for _, m := range ms {
			if len(m.ClientURLs) == 0 {
				return false
			}
		}
		return true
	}, 25*time.Second, 20*time.Millisecond, "three members, each with its client URL: %v %v", ms, err)
	names := map[string]bool{}
	for _, m := range ms {
		names[m.Name] = true
		assert.Len(t, m.ClientURLs, 1)
	}
	assert.Equal(t, map[string]bool{"infra1": true, "infra2": true, "infra3": true}, names)
	lead, err := mapi.Leader(ctx)
	require.NoError(t, err)
	assert.Contains(t, names, lead.Name)
}
