package node

import (
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// snapshotIndexes writes n keys through the leader, one at a time, and returns the index of every
// snapshot each member persisted meanwhile, in order.
func snapshotIndexes(t *testing.T, c *testCluster, n int) map[uint64][]uint64 {
	t.Helper()
	lead := c.waitLeader()
	seen := map[uint64][]uint64{}
	note := func() {
		for _, id := range c.ids {
			idx := c.disks[id].snap.Metadata.Index
			if k := len(seen[id]); idx != 0 && (k == 0 || seen[id][k-1] != idx) {
				seen[id] = append(seen[id], idx)
			}
		}
	}
	for i := range n {
		r, ok := c.submit(lead, setReq("/k"+strconv.Itoa(i%50), "v"), 50)
		require.True(t, ok, "write %d", i)
		require.NoError(t, r.Err)
		note()
	}
	return seen
}

func TestSnapshotStaggerKeepsTheMembersApart(t *testing.T) {
	const every = 60
	for _, stagger := range []bool{false, true} {
		c := newTestCluster(t, 3, func(cfg *Config) { cfg.SnapshotCount, cfg.SnapshotStagger = every, stagger })
		seen := snapshotIndexes(t, c, 400)
		var firsts []uint64
		for _, id := range c.ids {
			require.GreaterOrEqual(t, len(seen[id]), 4, "member %d snapshotted every %d entries: %v", id, every, seen[id])
			firsts = append(firsts, seen[id][0])
			for k := 1; k < len(seen[id]); k++ {
				assert.InDelta(t, every, float64(seen[id][k]-seen[id][k-1]), 2, "member %d: after its first, a snapshot every period: %v", id, seen[id])
			}
		}
		if !stagger {
			assert.InDelta(t, float64(firsts[0]), float64(firsts[2]), 2, "unstaggered, the members snapshot together: %v", firsts)
			continue
		}
		// Ranks by ID: member 1 first at the period, member 2 a third later, member 3 two thirds.
		for r, id := range c.ids {
			assert.InDelta(t, float64(firsts[0])+float64(r*every/3), float64(seen[id][0]), 2, "member %d's first snapshot: %v", id, firsts)
		}
		assert.InDelta(t, every/3, float64(seen[2][1]-seen[1][1]), 2, "and they stay apart after it")
		assert.InDelta(t, every/3, float64(seen[3][1]-seen[2][1]), 2, "and they stay apart after it")
	}
}

// A learner, or a member alone, takes its snapshots unstaggered.
func TestSnapshotStaggerOnlyAmongVoters(t *testing.T) {
	c := newTestCluster(t, 1, func(cfg *Config) { cfg.SnapshotCount, cfg.SnapshotStagger = 40, true })
	seen := snapshotIndexes(t, c, 100)
	require.NotEmpty(t, seen[1])
	assert.InDelta(t, 40, float64(seen[1][0]), 10, "one voter: no stagger")
}
