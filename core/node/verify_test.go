package node

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/raftlab/raftlab/core/store"
)

// TestVerifyAcrossMembershipAndSnapshots: a member that catches up through a snapshot holding a
// membership change it missed agrees with itself afterwards, as do the others, and across a
// restart from its own snapshot.
func TestVerifyAcrossMembershipAndSnapshots(t *testing.T) {
	c := newTestCluster(t, 3, func(cfg *Config) { cfg.SnapshotCount, cfg.SnapshotCatchUpEntries = 5, 1 })
	lead := c.waitLeader()
	lagging := uint64(1)
	if lagging == lead {
		lagging = 2
	}
	c.isolate(lagging)
	r, ok := c.submit(lead, Request{Kind: KindMemberAddLearner, Member: Member{ID: 9, PeerURLs: []string{"http://p9"}}}, 50)
	require.True(t, ok)
	require.NoError(t, r.Err)
	for i := range 20 {
		r, ok := c.submit(lead, Request{Kind: KindWrite, Write: store.Request{Op: store.OpSet, Key: fmt.Sprintf("/k%d", i), Value: "v"}}, 50)
		require.True(t, ok)
		require.NoError(t, r.Err)
	}
	c.heal()
	c.tick(50)
	require.Equal(t, c.nodes[lead].Status().Applied, c.nodes[lagging].Status().Applied, "the lagging member caught up")
	for _, id := range c.ids {
		assert.NoError(t, c.nodes[id].Verify(), "member %d", id)
	}
	r, ok = c.submit(lead, Request{Kind: KindWrite, Write: store.Request{Op: store.OpSet, Key: "/after", Value: "v"}}, 50)
	require.True(t, ok)
	require.NoError(t, r.Err)
	c.tick(10)
	c.crash(lagging)
	c.restart(lagging)
	c.tick(20)
	assert.NoError(t, c.nodes[lagging].Verify(), "after a restart")
	assert.Equal(t, []uint64{9}, c.nodes[lagging].Status().Learners)
}

// TestVerifyFindsAStaleConfiguration: a configuration that is not raft's is reported.
func TestVerifyFindsAStaleConfiguration(t *testing.T) {
	c := newTestCluster(t, 3, nil)
	lead := c.waitLeader()
	require.NoError(t, c.nodes[lead].Verify())
	c.nodes[lead].conf.Voters = c.nodes[lead].conf.Voters[:2]
	assert.ErrorIs(t, c.nodes[lead].Verify(), ErrInconsistent)
}
