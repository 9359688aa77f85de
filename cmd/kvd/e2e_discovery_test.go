package main

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/raftlab/raftlab/core/server"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDiscoveryBootstrap bootstraps a 3-member cluster through the discovery protocol against a
// running kvd acting as the discovery service; a fourth member is told the cluster is full.
func TestDiscoveryBootstrap(t *testing.T) {
	disc := startCluster(t, 1)
	registry := disc.members[0].ClientURL + "/v2/keys/_etcd/registry/tokA"
	code, _, body, err := curl(http.MethodPut, registry+"/_config/size", url.Values{"value": {"3"}})
	require.NoError(t, err)
	require.Equal(t, http.StatusCreated, code, body)

	dir := t.TempDir()
	var ms []*member
	for _, name := range []string{"d1", "d2", "d3"} {
		m := newMember(t, name, dir)
		m.start(t, "--discovery", registry)
		ms = append(ms, m)
	}
	for _, m := range ms {
		m.waitHealthy(t)
	}

	var list struct {
		Members []struct {
			ID       string   `json:"id"`
			Name     string   `json:"name"`
			PeerURLs []string `json:"peerURLs"`
		} `json:"members"`
	}
	require.Eventually(t, func() bool {
		if getJSON(ms[0].ClientURL+"/v2/members", &list) != nil || len(list.Members) != 3 {
			return false
		}
		for _, m := range list.Members {
			if m.Name == "" {
				return false
			}
		}
		return true
	}, 20*time.Second, 20*time.Millisecond)
	byName := map[string]string{}
	for _, m := range list.Members {
		byName[m.Name] = m.ID
	}
	for _, m := range ms {
		// The ID token of a discovered cluster is the whole discovery URL.
		want := strconv.FormatUint(server.MemberID([]string{m.PeerURL}, registry), 16)
		assert.Equal(t, want, byName[m.Name], "member %s", m.Name)
	}

	// The registry holds one name=peerURL value per member.
	var reg struct {
		Node struct {
			Nodes []struct {
				Key   string `json:"key"`
				Value string `json:"value"`
			} `json:"nodes"`
		} `json:"node"`
	}
	_, _, body, err = curl(http.MethodGet, registry, nil)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal([]byte(body), &reg))
	values := map[string]bool{}
	for _, n := range reg.Node.Nodes {
		values[n.Value] = true
	}
	for _, m := range ms {
		assert.True(t, values[m.Name+"="+m.PeerURL], "registry %s lacks %s", body, m.Name)
	}

	late := newMember(t, "d4", dir)
	late.start(t, "--discovery", registry, "--discovery-fallback", "exit")
	select {
	case <-late.Exited():
	case <-time.After(20 * time.Second):
		t.Fatal("the fourth member did not exit")
	}
	require.Error(t, late.ExitErr())
	assert.Contains(t, late.RunLog(), "discovery: cluster is full")
	assert.Contains(t, late.RunLog(), "failed to bootstrap; discovery token was already used")
}
