package raft

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestElectionByTimeout(t *testing.T) {
	for _, pre := range []bool{false, true} {
		t.Run(map[bool]string{false: "vote", true: "prevote"}[pre], func(t *testing.T) {
			var opts []configOpt
			if pre {
				opts = append(opts, withPreVote)
			}
			nw := newNetwork(t, 3, opts...)
			nw.tick(2 * testElection)
			require.Len(t, nw.leaders(), 1)
			lead := nw.leaders()[0]
			for _, id := range nw.ids {
				r := nw.node(id)
				assert.Equal(t, lead, r.lead, "node %d", id)
				assert.Equal(t, uint64(1), r.term, "node %d", id)
				// The no-op of term 1 is committed and applied everywhere.
				require.Len(t, nw.applied[id], 1)
				assert.Equal(t, EntryNoop, nw.applied[id][0].Type)
			}
		})
	}
}

func TestRandomizedElectionTimeoutRange(t *testing.T) {
	nw := newNetwork(t, 1)
	r := nw.node(1)
	seen := map[int]bool{}
	for i := 0; i < 200; i++ {
		r.resetRandomizedElectionTimeout()
		require.GreaterOrEqual(t, r.randomizedElectionTime, testElection)
		require.Less(t, r.randomizedElectionTime, 2*testElection)
		seen[r.randomizedElectionTime] = true
	}
	assert.Greater(t, len(seen), 1, "timeouts must be randomized")
}

func TestVoteIsPersistedWithGrant(t *testing.T) {
	nw := newNetwork(t, 3)
	require.NoError(t, nw.nodes[1].Campaign())
	nw.handleReady(1)
	vote := nw.queue[0]
	nw.queue = nil
	require.Equal(t, MsgVote, vote.Type)
	require.NoError(t, nw.nodes[2].Step(vote))
	rd := nw.nodes[2].Ready()
	require.Len(t, rd.Messages, 1)
	assert.Equal(t, MsgVoteResp, rd.Messages[0].Type)
	assert.False(t, rd.Messages[0].Reject)
	assert.Equal(t, HardState{Term: 1, Vote: 1}, rd.HardState, "the vote travels in the same Ready as the grant")
	assert.True(t, rd.MustSync)
}

func TestLeaderAppendsNoopAtTermStart(t *testing.T) {
	nw := newNetwork(t, 3)
	nw.campaign(1)
	nw.isolate(1)
	nw.campaign(2)
	require.Equal(t, RoleLeader, nw.node(2).state)
	l := nw.node(2).log
	last, err := l.slice(l.lastIndex(), l.lastIndex()+1, noLimit)
	require.NoError(t, err)
	assert.Equal(t, EntryNoop, last[0].Type)
	assert.Equal(t, uint64(2), last[0].Term)
}

func TestSingleNodeElectsItself(t *testing.T) {
	nw := newNetwork(t, 1)
	nw.campaign(1)
	assert.Equal(t, []uint64{1}, nw.leaders())
	require.NoError(t, nw.propose(1, "x"))
	assert.Equal(t, []string{"x"}, nw.data(1))
}

func TestCandidateLosesAndStepsDown(t *testing.T) {
	nw := newNetwork(t, 3)
	nw.campaign(1)
	// Node 3 misses "a" and cannot win against 1 and 2.
	nw.isolate(3)
	require.NoError(t, nw.propose(1, "a"))
	nw.heal()
	nw.campaign(3)
	assert.Equal(t, RoleFollower, nw.node(3).state, "two rejections out of three lose the election")
	assert.Equal(t, uint64(2), nw.node(3).term)
	assert.Empty(t, nw.leaders(), "the higher term deposed the old leader")
	nw.tick(3 * testElection)
	require.Len(t, nw.leaders(), 1)
	assert.NotEqual(t, uint64(3), nw.leaders()[0], "the stale node never wins")
}
