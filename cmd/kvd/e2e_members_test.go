package main

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	client "go.etcd.io/etcd/client/v2"
)

// TestAddAndRemoveMemberAtRuntime adds a fourth member with the members API, starts it with
// --initial-cluster-state existing, checks that it serves the data, then removes a member and
// checks that the removed process exits.
func TestAddAndRemoveMemberAtRuntime(t *testing.T) {
	c := startCluster(t, 3)
	cl, err := client.New(client.Config{Endpoints: c.endpoints(), Transport: client.DefaultTransport,
		HeaderTimeoutPerRequest: 15 * time.Second})
	require.NoError(t, err)
	kapi, mapi := client.NewKeysAPI(cl), client.NewMembersAPI(cl)
	ctx := ctxTimeout(t, 60*time.Second)
	_, err = kapi.Set(ctx, "/before-join", "old", nil)
	require.NoError(t, err)

	// Every member must have published its name before strict reconfig lets the cluster grow.
	require.Eventually(t, func() bool {
		ms, err := mapi.List(ctx)
		if err != nil {
			return false
		}
		for _, m := range ms {
			if m.Name == "" {
				return false
			}
		}
		return true
	}, 20*time.Second, 20*time.Millisecond)

	joiner := newMember(t, "infra4", c.dir)
	added, err := mapi.Add(ctx, joiner.PeerURL)
	require.NoError(t, err)
	assert.Equal(t, []string{joiner.PeerURL}, added.PeerURLs)
	assert.Empty(t, added.Name, "an added member has no name until it starts")

	joiner.start(t, "--initial-cluster", c.initial+","+joiner.Name+"="+joiner.PeerURL,
		"--initial-cluster-state", "existing")
	joiner.waitHealthy(t)
	local := newKeysAPI(t, []string{joiner.ClientURL})
	require.Eventually(t, func() bool {
		r, err := local.Get(ctx, "/before-join", nil)
		return err == nil && r.Node.Value == "old"
	}, 20*time.Second, 20*time.Millisecond, "the joined member never caught up")
	require.Eventually(t, func() bool {
		ms, err := mapi.List(ctx)
		if err != nil {
			return false
		}
		for _, m := range ms {
			if m.ID == added.ID {
				return m.Name == joiner.Name && len(m.ClientURLs) == 1 && m.ClientURLs[0] == joiner.ClientURL
			}
		}
		return false
	}, 20*time.Second, 20*time.Millisecond, "the joined member did not publish its name")
	_, err = local.Set(ctx, "/after-join", "new", nil)
	require.NoError(t, err, "a write through the new member")

	// Remove one of the original members: its process exits, the rest keep serving.
	victim := c.members[0]
	var victimID string
	ms, err := mapi.List(ctx)
	require.NoError(t, err)
	for _, m := range ms {
		if m.Name == victim.Name {
			victimID = m.ID
		}
	}
	require.NotEmpty(t, victimID)
	survivors := newKeysAPI(t, []string{c.members[1].ClientURL, joiner.ClientURL})
	require.NoError(t, client.NewMembersAPI(mustClient(t, c.members[1].ClientURL)).Remove(ctx, victimID))
	select {
	case <-victim.Exited():
	case <-time.After(20 * time.Second):
		t.Fatal("the removed member did not exit")
	}
	assert.Contains(t, victim.RunLog(), "the member has been permanently removed")
	code, _, body, err := curl(http.MethodDelete, c.members[1].ClientURL+"/v2/members/"+victimID, nil)
	require.NoError(t, err)
	assert.Equal(t, http.StatusGone, code, body)
	assert.Equal(t, "Member permanently removed: "+victimID, strings.TrimSpace(jsonMessage(t, body)))
	_, err = survivors.Set(ctx, "/after-remove", "ok", nil)
	require.NoError(t, err)
	code, _, body, err = curl(http.MethodGet, joiner.ClientURL+"/v2/keys/after-remove?quorum=true", url.Values(nil))
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, code, body)
}

func mustClient(t *testing.T, endpoint string) client.Client {
	t.Helper()
	cl, err := client.New(client.Config{Endpoints: []string{endpoint}, Transport: client.DefaultTransport,
		HeaderTimeoutPerRequest: 15 * time.Second})
	require.NoError(t, err)
	return cl
}

func jsonMessage(t *testing.T, body string) string {
	t.Helper()
	return decodeKeys(t, body).Message
}
