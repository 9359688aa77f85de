package node

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/raftlab/raftlab/core/raft"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// soloCluster hosts one node on its own (a member forced into a new one-member cluster).
func soloCluster(t *testing.T, cfg Config, d *DurableState) *testCluster {
	t.Helper()
	n, err := New(cfg, d)
	require.NoError(t, err)
	disk := &memDisk{hard: d.HardState, snap: d.Snapshot, entries: d.Entries}
	c := &testCluster{
		t: t, ids: []uint64{cfg.ID}, cfgs: map[uint64]Config{cfg.ID: cfg}, nodes: map[uint64]*Node{cfg.ID: n},
		disks: map[uint64]*memDisk{cfg.ID: disk}, replies: map[uint64]Reply{}, replyCount: map[uint64]int{},
		cut: map[[2]uint64]bool{}, holdPersist: map[uint64]bool{}, held: map[uint64]*PersistBatch{},
		now: 1_800_000_000_000_000_000, nextID: 5000,
	}
	c.pump()
	return c
}

// TestForceNewClusterKeepsCommittedDataAndLeavesOneMember takes a member's durable state from a
// three-member cluster (with and without a snapshot, with an uncommitted tail), forces it into a new
// one-member cluster under a new ID that reuses an old member's peer URL, and finds every committed
// write, not the uncommitted one, self alone in the membership, and a leader that takes writes.
func TestForceNewClusterKeepsCommittedDataAndLeavesOneMember(t *testing.T) {
	for _, snapshotCount := range []uint64{1000, 4} {
		t.Run(fmt.Sprintf("snapshot-count=%d", snapshotCount), func(t *testing.T) {
			c := newTestCluster(t, 3, func(cfg *Config) { cfg.SnapshotCount = snapshotCount })
			lead := c.waitLeader()
			for i := range 10 {
				r, ok := c.submit(lead, setReq(fmt.Sprintf("/k%d", i), "v"), 50)
				require.True(t, ok)
				require.NoError(t, r.Err)
			}
			c.tick(3)
			c.isolate(lead)
			c.nodes[lead].Submit(Request{ID: c.newID(), Kind: KindWrite, Write: setReq("/uncommitted", "x").Write})
			c.pump()
			d := c.disks[lead].durable()
			require.Greater(t, d.Entries[len(d.Entries)-1].Index, d.HardState.Commit, "the old leader holds an uncommitted entry")
			if snapshotCount == 4 {
				require.False(t, d.Snapshot.IsEmpty())
			}

			self := Member{ID: 99, PeerURLs: []string{"http://p1"}} // member 1's peer URL
			appended, err := ForceNewCluster(d, c.ids, self)
			require.NoError(t, err)
			require.Len(t, appended, 4, "three removals (self has a new ID) and the add of self")
			for _, e := range appended {
				assert.Equal(t, raft.EntryConfChange, e.Type)
			}
			assert.Equal(t, appended[3].Index, d.HardState.Commit, "the appended entries are committed")

			cfg := c.cfgs[lead]
			cfg.ID, cfg.ClusterID, cfg.Rand = 99, 8, seededRand{rand.New(rand.NewPCG(99, 1))}
			solo := soloCluster(t, cfg, d)
			n := solo.nodes[99]
			st := n.Status()
			require.Len(t, st.Members, 1)
			assert.Equal(t, uint64(99), st.Members[0].ID)
			assert.Equal(t, []string{"http://p1"}, st.Members[0].PeerURLs)
			assert.Equal(t, uint64(99), solo.waitLeader())
			for i := range 10 {
				ev, err := n.Get(fmt.Sprintf("/k%d", i), false, false, solo.now)
				require.NoError(t, err)
				assert.Equal(t, "v", *ev.Node.Value)
			}
			_, err = n.Get("/uncommitted", false, false, solo.now)
			require.Error(t, err, "the uncommitted write is dropped")
			r, ok := solo.submit(99, setReq("/after", "1"), 50)
			require.True(t, ok)
			require.NoError(t, r.Err)

			again := solo.disks[99].durable()
			more, err := ForceNewCluster(again, c.ids, self)
			require.NoError(t, err)
			assert.Empty(t, more, "a member alone in its cluster needs no change")
		})
	}
}

// TestForceNewClusterKeepsAMembersOwnID: run on a member's own data dir (no backup), the member
// keeps its ID and only the others are removed.
func TestForceNewClusterKeepsAMembersOwnID(t *testing.T) {
	c := newTestCluster(t, 3, nil)
	lead := c.waitLeader()
	_, ok := c.submit(lead, setReq("/k", "v"), 50)
	require.True(t, ok)
	d := c.disks[lead].durable()
	appended, err := ForceNewCluster(d, c.ids, Member{ID: lead, PeerURLs: []string{"http://elsewhere"}})
	require.NoError(t, err)
	require.Len(t, appended, 2)
	solo := soloCluster(t, c.cfgs[lead], d)
	assert.Equal(t, lead, solo.waitLeader())
	require.Len(t, solo.nodes[lead].Status().Members, 1)
	assert.Equal(t, lead, solo.nodes[lead].Status().Members[0].ID)

	_, err = ForceNewCluster(d, c.ids, Member{})
	require.ErrorIs(t, err, ErrBadRequest)
}
