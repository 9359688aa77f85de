package raft

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The talk's partition story: 5 nodes, the leader and one follower are cut off; "wow" is appended
// there but never committed; the majority elects a term-2 leader and commits "cool"; after the
// heal the old leader steps down and every log ends "1 much, 2 cool".
func TestMuchWowCoolPartition(t *testing.T) {
	nw := newNetwork(t, 5, withPreVote, withCheckQuorum)
	nw.campaign(1)
	require.NoError(t, nw.propose(1, "much"))
	for _, id := range nw.ids {
		require.Equal(t, []string{"much"}, nw.data(id))
	}

	nw.partition([]uint64{1, 2}, []uint64{3, 4, 5})
	require.NoError(t, nw.propose(1, "wow"))
	assert.Equal(t, []string{"1:much", "1:wow"}, nw.logOf(1))
	assert.Equal(t, []string{"1:much", "1:wow"}, nw.logOf(2))

	// As in the talk, node 3's randomized timer fires first on the majority side.
	nw.node(3).randomizedElectionTime = testElection
	nw.node(4).randomizedElectionTime = 2*testElection - 1
	nw.node(5).randomizedElectionTime = 2*testElection - 1
	nw.tick(testElection + 1)
	newLead := nw.node(3).lead
	require.Contains(t, []uint64{3, 4, 5}, newLead)
	assert.Equal(t, uint64(2), nw.node(newLead).term)
	require.NoError(t, nw.propose(newLead, "cool"))
	assert.Equal(t, []string{"much", "cool"}, nw.data(newLead))

	nw.heal()
	nw.tick(3 * testElection)
	assert.Equal(t, []uint64{newLead}, nw.leaders())
	assert.NotEqual(t, RoleLeader, nw.node(1).state, "old leader stepped down")
	for _, id := range nw.ids {
		assert.Equal(t, []string{"1:much", "2:cool"}, nw.logOf(id), "log of %d", id)
		assert.Equal(t, []string{"much", "cool"}, nw.data(id), "applied on %d", id)
	}
}

// Figure 8 of the Raft paper: an entry from an older term that is stored on a majority must not be
// committed by counting replicas, because a node with a newer last term can still be elected and
// overwrite it. With Bugs.CommitPreviousTermByCounting the violation is reproduced.
func TestFigure8(t *testing.T) {
	run := func(t *testing.T, bug bool, finish func(nw *network)) *network {
		nw := newNetwork(t, 5, func(c *Config) {
			c.MaxSizePerMsg = 0 // one entry per MsgApp, so an old entry can travel alone
			c.Bugs.CommitPreviousTermByCounting = bug
		})
		nw.campaign(1) // term 1, no-op at index 1 committed everywhere
		// (a) S1 replicates "x" (index 2, term 1) to S2 only.
		nw.partition([]uint64{1, 2}, []uint64{3, 4, 5})
		require.NoError(t, nw.propose(1, "x"))
		require.Equal(t, uint64(1), nw.node(1).log.committed)
		// (b) S1 crashes; S5 is elected by S3, S4, S5 (term 2) and appends entries nobody else gets.
		nw.heal()
		nw.isolate(1)
		nw.partition([]uint64{2}, []uint64{5})
		nw.drop = func(m Message) bool { return m.From == 5 && m.Type == MsgApp }
		nw.campaign(5)
		require.Equal(t, RoleLeader, nw.node(5).state)
		require.NoError(t, nw.propose(5, "y"))
		// (c) S5 crashes; S1 comes back and is elected (term 3); it sends "x" to S3 but its own
		// term-3 no-op is lost.
		nw.heal()
		nw.isolate(5)
		nw.restart(1)
		nw.drop = func(m Message) bool {
			if m.From != 1 || m.Type != MsgApp || len(m.Entries) == 0 || m.Entries[0].Term != 3 {
				return false
			}
			m.Entries = nil // the term-3 entry is lost; the rest of the message arrives
			nw.queue = append(nw.queue, m)
			return true
		}
		nw.campaign(1)
		if nw.node(1).state != RoleLeader {
			nw.campaign(1)
		}
		require.Equal(t, RoleLeader, nw.node(1).state)
		require.Equal(t, uint64(3), nw.node(1).term)
		for _, id := range []uint64{1, 2, 3} {
			require.Equal(t, uint64(1), nw.node(id).log.termOrZero(2), "x is on S%d", id)
		}
		finish(nw)
		return nw
	}

	t.Run("old-term entry on a majority is not committed", func(t *testing.T) {
		run(t, false, func(nw *network) {
			assert.Equal(t, uint64(1), nw.node(1).log.committed)
			assert.Empty(t, nw.data(1))
		})
	})
	t.Run("bug: counting replicas commits it", func(t *testing.T) {
		run(t, true, func(nw *network) {
			assert.Equal(t, uint64(2), nw.node(1).log.committed)
			assert.Equal(t, []string{"x"}, nw.data(1))
		})
	})
	t.Run("(d) S5 may then overwrite it", func(t *testing.T) {
		for _, bug := range []bool{false, true} {
			nw := run(t, bug, func(nw *network) {
				nw.drop = nil
				nw.heal()
				nw.isolate(1)
				nw.restart(5)
				nw.campaign(5)
				if nw.node(5).state != RoleLeader {
					nw.campaign(5)
				}
				require.Equal(t, RoleLeader, nw.node(5).state)
				nw.heal()
				nw.tick(2 * testHeartbeat)
			})
			if bug {
				// Leader completeness is violated: S1 applied x as committed at index 2, yet S5
				// was elected with another entry there.
				assert.Equal(t, []string{"x"}, nw.data(1))
				assert.Equal(t, RoleLeader, nw.node(5).state)
				assert.NotEqual(t, nw.node(1).log.termOrZero(2), nw.node(5).log.termOrZero(2))
			} else {
				for _, id := range nw.ids {
					assert.Equal(t, []string{"y"}, nw.logData(id), "S%d holds S5's entries", id)
					assert.Equal(t, []string{"y"}, nw.data(id), "S%d applied only y", id)
				}
			}
		}
	})
	t.Run("(e) a current-term entry commits it", func(t *testing.T) {
		run(t, false, func(nw *network) {
			nw.drop = nil
			nw.tick(testHeartbeat)
			assert.GreaterOrEqual(t, nw.node(1).log.committed, uint64(3))
			assert.Equal(t, []string{"x"}, nw.data(1))
			assert.Equal(t, []string{"x"}, nw.data(2))
		})
	})
}

// A follower whose log has a long divergent tail is repaired in few round trips thanks to the
// conflict hint (RejectHint + LogTerm), not one entry per round trip.
func TestBacktrackingDivergentTails(t *testing.T) {
	for _, hints := range []bool{true, false} {
		t.Run(map[bool]string{true: "hints", false: "no-hints"}[hints], func(t *testing.T) {
			nw := newNetwork(t, 3)
			nw.campaign(1)
			nw.isolate(1)
			for i := 0; i < 20; i++ {
				require.NoError(t, nw.propose(1, "stale"))
			}
			nw.campaign(2)
			for i := 0; i < 20; i++ {
				require.NoError(t, nw.propose(2, "fresh"))
			}
			// Node 2 restarts and is re-elected: it now assumes every follower is up to date and
			// must find where node 1's divergent tail begins.
			nw.restart(2)
			nw.campaign(2)
			require.Equal(t, RoleLeader, nw.node(2).state)
			rejections := 0
			nw.drop = func(m Message) bool {
				if m.Type == MsgAppResp && m.Reject {
					rejections++
					if !hints && m.LogTerm != 0 {
						m.RejectHint, m.LogTerm = m.Index-1, 0
						nw.queue = append(nw.queue, m) // deliver it again without the hint
						return true
					}
				}
				return false
			}
			nw.heal()
			nw.tick(2 * testHeartbeat)
			nw.drop = nil
			for _, id := range nw.ids {
				assert.Equal(t, nw.logOf(2), nw.logOf(id))
				assert.Equal(t, nw.data(2), nw.data(id))
			}
			assert.Len(t, nw.data(1), 20)
			if hints {
				assert.LessOrEqual(t, rejections, 2)
			} else {
				assert.Greater(t, rejections, 20)
			}
		})
	}
}

// A blackhole peer swallows everything sent to it and is never heard from. The others keep committing,
// and the leader does not flood it: after an election timeout of silence the peer is probed, with
// at most one MsgApp per heartbeat.
func TestBlackholePeer(t *testing.T) {
	for _, cq := range []bool{true, false} {
		t.Run(map[bool]string{true: "check-quorum", false: "no-check-quorum"}[cq], func(t *testing.T) {
			var opts []configOpt
			if cq {
				opts = append(opts, withCheckQuorum)
			}
			nw := newNetwork(t, 3, opts...)
			nw.campaign(1)
			sentToHole := 0
			nw.drop = func(m Message) bool {
				if m.To == 3 && m.Type == MsgApp {
					sentToHole++
				}
				return m.To == 3 || m.From == 3
			}
			run := func(ticks int) {
				for i := 0; i < ticks; i++ {
					require.NoError(t, nw.nodes[1].Propose([]byte("x")))
					nw.tick(1)
				}
			}
			run(2 * testElection)
			sentToHole = 0
			const ticks = 3 * testElection
			run(ticks)
			assert.Equal(t, []uint64{1}, nw.leaders(), "a quorum (1, 2) is still there")
			assert.Len(t, nw.data(2), 2*testElection+ticks)
			pr := progressOf(nw.nodes[1].Status(), 3)
			assert.Equal(t, ProgressProbe, pr.State)
			assert.LessOrEqual(t, sentToHole, ticks/testHeartbeat, "probing is paced by heartbeats")
		})
	}
}
