package main

import (
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	client "go.etcd.io/etcd/client/v2"
)

// waitExit waits for m's process to end on its own and returns its stderr.
func waitExit(t *testing.T, m *member, within time.Duration) string {
	t.Helper()
	select {
	case <-m.Exited():
	case <-time.After(within):
		t.Fatalf("%s is still running after %v; it should have refused to run:\n%s", m.Name, within, tail(m.RunLog(), 2000))
	}
	return m.RunLog()
}

// TestCorruptWALRefusedAtStart damages a record in the middle of a member's WAL: kvd refuses to
// start and says which file and which byte offset are bad.
func TestCorruptWALRefusedAtStart(t *testing.T) {
	c := startCluster(t, 1)
	m := c.members[0]
	for _, k := range []string{"a", "b", "c", "d", "e", "f", "g", "h"} {
		code, _, body, err := curl(http.MethodPut, m.ClientURL+"/v2/keys/"+k, url.Values{"value": {strings.Repeat(k, 200)}})
		require.NoError(t, err)
		require.Equal(t, http.StatusCreated, code, body)
	}
	m.terminate(t)

	segment, records, _ := lastSegmentRecords(t, m)
	data, err := os.ReadFile(segment)
	require.NoError(t, err)
	// A byte in the middle of the records, not in the room of zeros after them (a byte there, after
	// zeros, is what a crash leaves when a later record's first sector never reached the disk: a
	// torn tail, cut): valid records follow, corruption.
	data[len(records)/2] ^= 0x5a
	require.NoError(t, os.WriteFile(segment, data, 0o600))

	m.start(t, c.staticArgs()...)
	stderr := waitExit(t, m, 20*time.Second)
	require.Error(t, m.ExitErr(), "a refusal is an error exit")
	assert.Contains(t, stderr, "corrupt")
	assert.Contains(t, stderr, segment, "the error names the damaged file")
	assert.Contains(t, stderr, "byte offset", "the error names the offset")
}

// TestPeerWithAnotherTokenIsRefused starts the third member of a cluster with another
// --initial-cluster-token: the other two refuse its streams with a clear reason, it never gets a
// leader, and the two keep serving.
func TestPeerWithAnotherTokenIsRefused(t *testing.T) {
	c := &cluster{dir: t.TempDir()}
	var pairs []string
	for _, name := range []string{"infra1", "infra2", "infra3"} {
		m := newMember(t, name, c.dir)
		c.members = append(c.members, m)
		pairs = append(pairs, m.Name+"="+m.PeerURL)
	}
	c.initial = strings.Join(pairs, ",")
	for _, m := range c.members[:2] {
		m.start(t, c.staticArgs()...)
	}
	stranger := c.members[2]
	stranger.start(t, "--initial-cluster", c.initial, "--initial-cluster-token", "another-token", "--initial-cluster-state", "new")
	for _, m := range c.members[:2] {
		m.waitHealthy(t)
	}
	require.Eventually(t, func() bool {
		return strings.Contains(stranger.RunLog(), "cluster ID mismatch")
	}, 20*time.Second, 20*time.Millisecond, "the stranger was never told why it is refused")
	assert.Contains(t, c.members[0].RunLog()+c.members[1].RunLog(), "cluster ID mismatch",
		"the members log whom they refused")

	// The stranger never joins, so it never publishes: it serves nothing, /health included.
	requireNoAnswer(t, httpClient, stranger.ClientURL+"/health")
	kapi := newKeysAPI(t, []string{c.members[0].ClientURL, c.members[1].ClientURL})
	_, err := kapi.Set(ctxTimeout(t, 10*time.Second), "/still", "serving", nil)
	require.NoError(t, err)
}

// TestRemovedMemberCannotRejoin removes a member, then restarts it under its old ID, from its data
// dir and from an empty one: each time it learns that it was removed and exits, and the cluster
// is unaffected.
func TestRemovedMemberCannotRejoin(t *testing.T) {
	c := startCluster(t, 3)
	victim := c.members[0]
	ctx := ctxTimeout(t, 60*time.Second)
	mapi := client.NewMembersAPI(mustClient(t, c.members[1].ClientURL))
	var victimID string
	require.Eventually(t, func() bool {
		ms, err := mapi.List(ctx)
		if err != nil {
			return false
		}
		for _, m := range ms {
			if m.Name == victim.Name {
				victimID = m.ID
			}
		}
		return victimID != ""
	}, 20*time.Second, 20*time.Millisecond)
	require.NoError(t, mapi.Remove(ctx, victimID))
	stderr := waitExit(t, victim, 20*time.Second)
	assert.Contains(t, stderr, "permanently removed")

	victim.start(t, c.staticArgs()...)
	stderr = waitExit(t, victim, 20*time.Second)
	assert.Contains(t, stderr, "permanently removed", "the restarted member must know it was removed")

	// With a fresh data dir and the same flags the member gets the same ID again: the peers tell
	// it that this ID was removed.
	require.NoError(t, os.RemoveAll(victim.DataDir))
	victim.start(t, c.staticArgs()...)
	stderr = waitExit(t, victim, 20*time.Second)
	assert.Contains(t, stderr, "permanently removed", "a fresh data dir must not bring the removed ID back")

	kapi := newKeysAPI(t, []string{c.members[1].ClientURL, c.members[2].ClientURL})
	_, err := kapi.Set(ctx, "/after-rejoin-attempt", "ok", nil)
	require.NoError(t, err)
	ms, err := mapi.List(ctx)
	require.NoError(t, err)
	for _, m := range ms {
		assert.NotEqual(t, victimID, m.ID, "the removed ID is back in the membership")
	}
}
