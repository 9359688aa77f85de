package httpapi

import (
	"context"
	"errors"
	"net/http/httptest"
	"sort"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	client "go.etcd.io/etcd/client/v2"
)

// officialClient starts the handler on a real server and connects go.etcd.io/etcd/client/v2 to it.
func officialClient(t *testing.T) (client.KeysAPI, client.MembersAPI, *fakeBackend) {
	t.Helper()
	h, b := newTestHandler(t)
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	c, err := client.New(client.Config{Endpoints: []string{srv.URL}, Transport: client.DefaultTransport})
	require.NoError(t, err)
	return client.NewKeysAPI(c), client.NewMembersAPI(c), b
}

// requireClientError requires err to be a client.Error with code.
func requireClientError(t *testing.T, err error, code int) client.Error {
	t.Helper()
	var ce client.Error
	require.True(t, errors.As(err, &ce), "want a client.Error, got %v", err)
	require.Equal(t, code, ce.Code, ce.Error())
	return ce
}

func TestOfficialClientKeys(t *testing.T) {
	kapi, _, b := officialClient(t)
	ctx := context.Background()

	resp, err := kapi.Set(ctx, "/nosql/foo", "bar", nil)
	require.NoError(t, err)
	assert.Equal(t, "set", resp.Action)
	assert.Equal(t, "bar", resp.Node.Value)
	assert.Equal(t, b.st.Index(), resp.Index)

	resp, err = kapi.Get(ctx, "/nosql", &client.GetOptions{Recursive: true, Sort: true})
	require.NoError(t, err)
	require.True(t, resp.Node.Dir)
	require.Len(t, resp.Node.Nodes, 1)
	assert.Equal(t, "/nosql/foo", resp.Node.Nodes[0].Key)

	_, err = kapi.Create(ctx, "/nosql/foo", "again")
	requireClientError(t, err, client.ErrorCodeNodeExist)
	resp, err = kapi.Create(ctx, "/new", "v")
	require.NoError(t, err)
	assert.Equal(t, "create", resp.Action)
	resp, err = kapi.Update(ctx, "/new", "v2")
	require.NoError(t, err)
	assert.Equal(t, "update", resp.Action)
	assert.Equal(t, "v", resp.PrevNode.Value)

	_, err = kapi.Set(ctx, "/nosql/foo", "three", &client.SetOptions{PrevValue: "two"})
	ce := requireClientError(t, err, client.ErrorCodeTestFailed)
	assert.Equal(t, "[two != bar]", ce.Cause)
	resp, err = kapi.Set(ctx, "/nosql/foo", "three", &client.SetOptions{PrevValue: "bar"})
	require.NoError(t, err)
	assert.Equal(t, "compareAndSwap", resp.Action)
	resp, err = kapi.Set(ctx, "/nosql/foo", "four", &client.SetOptions{PrevIndex: resp.Node.ModifiedIndex})
	require.NoError(t, err)
	assert.Equal(t, "four", resp.Node.Value)

	_, err = kapi.Delete(ctx, "/nosql/foo", &client.DeleteOptions{PrevValue: "nope"})
	requireClientError(t, err, client.ErrorCodeTestFailed)
	resp, err = kapi.Delete(ctx, "/nosql/foo", &client.DeleteOptions{PrevValue: "four"})
	require.NoError(t, err)
	assert.Equal(t, "compareAndDelete", resp.Action)
	_, err = kapi.Get(ctx, "/nosql/foo", nil)
	requireClientError(t, err, client.ErrorCodeKeyNotFound)

	resp, err = kapi.Set(ctx, "/ttl", "v", &client.SetOptions{TTL: 5 * time.Second})
	require.NoError(t, err)
	assert.Equal(t, int64(5), resp.Node.TTL)
	require.NotNil(t, resp.Node.Expiration)
	assert.True(t, testNow.Add(5*time.Second).Equal(*resp.Node.Expiration))
	resp, err = kapi.Set(ctx, "/ttl", "", &client.SetOptions{TTL: 30 * time.Second, Refresh: true, PrevExist: client.PrevExist})
	require.NoError(t, err)
	assert.Equal(t, "v", resp.Node.Value)
	assert.Equal(t, int64(30), resp.Node.TTL)

	var keys []string
	for _, v := range []string{"first", "second"} {
		resp, err = kapi.CreateInOrder(ctx, "/queue", v, nil)
		require.NoError(t, err)
		keys = append(keys, resp.Node.Key)
	}
	assert.True(t, sort.StringsAreSorted(keys))
	assert.Len(t, keys[0], len("/queue/")+20)

	resp, err = kapi.Set(ctx, "/dir", "", &client.SetOptions{Dir: true})
	require.NoError(t, err)
	assert.True(t, resp.Node.Dir)
	_, err = kapi.Delete(ctx, "/dir", &client.DeleteOptions{Dir: true})
	require.NoError(t, err)
}

func TestOfficialClientWatch(t *testing.T) {
	kapi, _, b := officialClient(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := kapi.Set(ctx, "/other", "0", nil) // AfterIndex 0 would mean "from now on"
	require.NoError(t, err)
	first, err := kapi.Set(ctx, "/w/a", "1", nil)
	require.NoError(t, err)

	resp, err := kapi.Watcher("/w", &client.WatcherOptions{AfterIndex: first.Index - 1, Recursive: true}).Next(ctx)
	require.NoError(t, err, "from history")
	assert.Equal(t, "/w/a", resp.Node.Key)

	w := kapi.Watcher("/w", &client.WatcherOptions{Recursive: true})
	got := make(chan *client.Response, 2)
	go func() {
		for range 2 {
			r, err := w.Next(ctx)
			if err != nil {
				close(got)
				return
			}
			got <- r
		}
	}()
	for i := range 2 {
		require.Eventually(t, func() bool { return b.st.Stats().Watchers == 1 }, 5*time.Second, time.Millisecond)
		_, err := kapi.Set(ctx, "/w/b", strconv.Itoa(i), nil)
		require.NoError(t, err)
		r, ok := <-got
		require.True(t, ok, "watch failed")
		assert.Equal(t, strconv.Itoa(i), r.Node.Value, "the watcher resumes after the last event")
	}
}

func TestOfficialClientMembers(t *testing.T) {
	_, mapi, _ := officialClient(t)
	ctx := context.Background()
	ms, err := mapi.List(ctx)
	require.NoError(t, err)
	require.Len(t, ms, 1)
	assert.Equal(t, "9e737febb6b99eee", ms[0].ID)
	assert.Equal(t, []string{"http://127.0.0.1:22379"}, ms[0].ClientURLs)

	leader, err := mapi.Leader(ctx)
	require.NoError(t, err)
	assert.Equal(t, "default", leader.Name)

	m, err := mapi.Add(ctx, "http://10.0.0.2:2380")
	require.NoError(t, err)
	assert.Equal(t, strconv.FormatUint(MemberID([]string{"http://10.0.0.2:2380"}, testNow), 16), m.ID)
	require.NoError(t, mapi.Update(ctx, m.ID, []string{"http://10.0.0.3:2380"}))
	require.NoError(t, mapi.Remove(ctx, m.ID))
	ms, err = mapi.List(ctx)
	require.NoError(t, err)
	assert.Len(t, ms, 1)
}
