package raft

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A node that was partitioned away and rejoins must not depose a healthy leader: with pre-vote it
// never raised its term; without it, it does disrupt (the control case).
func TestPreVoteRejoiningNodeDoesNotDisrupt(t *testing.T) {
	for _, pre := range []bool{true, false} {
		t.Run(map[bool]string{true: "prevote", false: "no-prevote"}[pre], func(t *testing.T) {
			opts := []configOpt{withCheckQuorum}
			if pre {
				opts = append(opts, withPreVote)
			}
			nw := newNetwork(t, 3, opts...)
			nw.campaign(1)
			nw.isolate(3)
			nw.tickNode(3, 5*testElection)
			nw.heal()
			nw.tick(3 * testHeartbeat)
			if pre {
				assert.Equal(t, uint64(1), nw.node(3).term, "pre-candidate never bumps its term")
				assert.Equal(t, []uint64{1}, nw.leaders())
				assert.Equal(t, uint64(1), nw.node(1).term)
				assert.Equal(t, uint64(1), nw.node(3).lead)
			} else {
				assert.Greater(t, nw.node(1).term, uint64(1), "without pre-vote the rejoining node's term deposes the leader")
			}
		})
	}
}

func TestPreCandidateBecomesCandidateOnQuorum(t *testing.T) {
	nw := newNetwork(t, 3, withPreVote)
	require.NoError(t, nw.nodes[1].Campaign())
	assert.Equal(t, RolePreCandidate, nw.node(1).state)
	assert.Equal(t, uint64(0), nw.node(1).term)
	nw.stabilize()
	assert.Equal(t, RoleLeader, nw.node(1).state)
	assert.Equal(t, uint64(1), nw.node(1).term)
}

func TestPreVoteLostReturnsToFollower(t *testing.T) {
	nw := newNetwork(t, 3, withPreVote)
	nw.campaign(1)
	nw.isolate(3)
	require.NoError(t, nw.propose(1, "a"))
	nw.heal()
	nw.isolate(1)
	nw.campaign(3) // 2 refuses: 3's log lacks "a"
	assert.Equal(t, RolePreCandidate, nw.node(3).state, "one refusal out of three: still waiting")
	nw.heal()
	nw.campaign(3) // now both refuse
	assert.Equal(t, RoleFollower, nw.node(3).state)
	assert.Equal(t, []uint64{1}, nw.leaders())
	assert.Equal(t, uint64(1), nw.node(1).term, "a lost pre-election changes no term")
}

// An isolated leader steps down after an election timeout without hearing from a quorum.
func TestCheckQuorumLeaderStepsDown(t *testing.T) {
	for _, cq := range []bool{true, false} {
		t.Run(map[bool]string{true: "check-quorum", false: "no-check-quorum"}[cq], func(t *testing.T) {
			var opts []configOpt
			if cq {
				opts = append(opts, withCheckQuorum)
			}
			nw := newNetwork(t, 3, opts...)
			nw.campaign(1)
			nw.isolate(1)
			// The first check may still see the answers from before the isolation; the second
			// one, an election timeout later, sees none.
			nw.tickNode(1, 2*testElection)
			if cq {
				assert.Equal(t, RoleFollower, nw.node(1).state)
			} else {
				assert.Equal(t, RoleLeader, nw.node(1).state)
			}
		})
	}
}

func TestCheckQuorumKeepsHealthyLeader(t *testing.T) {
	nw := newNetwork(t, 3, withCheckQuorum)
	nw.campaign(1)
	nw.tick(5 * testElection)
	assert.Equal(t, []uint64{1}, nw.leaders())
	assert.Equal(t, uint64(1), nw.node(1).term)
}

// Followers that heard from a leader within the election timeout ignore (pre)votes, except a
// campaign triggered by a leader transfer.
func TestLeaderStickiness(t *testing.T) {
	tests := []struct {
		name    string
		msgType MessageType
		ctx     []byte
		elapsed int
		ignored bool
	}{
		{name: "vote within lease", msgType: MsgVote, ignored: true},
		{name: "pre-vote within lease", msgType: MsgPreVote, ignored: true},
		{name: "vote after lease", msgType: MsgVote, elapsed: testElection},
		{name: "transfer campaign overrides lease", msgType: MsgVote, ctx: campaignTransfer},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newTestRaft(t, 1, []uint64{1, 2, 3}, HardState{Term: 1}, nil, withCheckQuorum)
			require.NoError(t, r.Step(Message{From: 2, To: 1, Term: 1, Type: MsgHeartbeat}))
			takeMsgs(r)
			r.electionElapsed = tt.elapsed
			require.NoError(t, r.Step(Message{From: 3, To: 1, Term: 2, Type: tt.msgType, Context: tt.ctx}))
			msgs := takeMsgs(r)
			if tt.ignored {
				assert.Empty(t, msgs)
				assert.Equal(t, uint64(1), r.term)
				assert.Equal(t, uint64(2), r.lead)
			} else {
				require.Len(t, msgs, 1)
				assert.False(t, msgs[0].Reject)
			}
		})
	}
}
