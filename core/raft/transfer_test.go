package raft

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLeaderTransfer(t *testing.T) {
	nw := newNetwork(t, 3, withPreVote, withCheckQuorum)
	nw.campaign(1)
	nw.nodes[1].TransferLeadership(2)
	nw.stabilize()
	assert.Equal(t, []uint64{2}, nw.leaders())
	assert.Equal(t, uint64(2), nw.node(2).term, "transfer skips pre-vote and overrides the lease")
	require.NoError(t, nw.propose(2, "x"))
	assert.Equal(t, []string{"x"}, nw.data(1))
}

func TestLeaderTransferForwardedByFollower(t *testing.T) {
	nw := newNetwork(t, 3)
	nw.campaign(1)
	nw.nodes[3].TransferLeadership(3)
	nw.stabilize()
	assert.Equal(t, []uint64{3}, nw.leaders())
}

func TestLeaderTransferCatchesUpFirst(t *testing.T) {
	nw := newNetwork(t, 3)
	nw.campaign(1)
	nw.isolate(3)
	require.NoError(t, nw.propose(1, "x"))
	nw.heal()
	var order []MessageType
	nw.drop = func(m Message) bool {
		if m.To == 3 && (m.Type == MsgApp || m.Type == MsgTimeoutNow) {
			order = append(order, m.Type)
		}
		return false
	}
	nw.nodes[1].TransferLeadership(3)
	nw.stabilize()
	assert.Equal(t, []uint64{3}, nw.leaders())
	timeoutAt := indexOfType(order, MsgTimeoutNow)
	require.Positive(t, timeoutAt, "the transferee is caught up (MsgApp) before MsgTimeoutNow")
	for _, mt := range order[:timeoutAt] {
		assert.Equal(t, MsgApp, mt)
	}
	assert.Equal(t, []string{"x"}, nw.data(3))
}

func indexOfType(order []MessageType, want MessageType) int {
	for i, mt := range order {
		if mt == want {
			return i
		}
	}
	return -1
}

func TestLeaderTransferDropsProposalsAndAborts(t *testing.T) {
	nw := newNetwork(t, 3)
	nw.campaign(1)
	nw.isolate(3)
	nw.nodes[1].TransferLeadership(3)
	nw.stabilize()
	assert.Equal(t, uint64(3), nw.nodes[1].Status().LeadTransferee)
	err := nw.propose(1, "x")
	require.ErrorIs(t, err, ErrProposalDropped)
	nw.tick(testElection)
	assert.Equal(t, None, nw.nodes[1].Status().LeadTransferee, "aborted after an election timeout")
	assert.Equal(t, []uint64{1}, nw.leaders())
	require.NoError(t, nw.propose(1, "x"))
}

func TestLeaderTransferIgnoredCases(t *testing.T) {
	nw := newNetwork(t, 3)
	nw.campaign(1)
	nw.addNode(4, []uint64{1, 2, 3}, []uint64{4})
	require.NoError(t, nw.confChange(1, ConfChange{Type: ConfChangeAddLearner, NodeID: 4}))
	for _, target := range []uint64{1, 4, 9} { // self, a learner, a stranger
		nw.nodes[1].TransferLeadership(target)
		nw.stabilize()
		assert.Equal(t, None, nw.nodes[1].Status().LeadTransferee)
		assert.Equal(t, []uint64{1}, nw.leaders())
	}
	// A second request for another node replaces the first.
	nw.isolate(2)
	nw.isolate(3)
	nw.nodes[1].TransferLeadership(2)
	nw.nodes[1].TransferLeadership(2)
	nw.nodes[1].TransferLeadership(3)
	assert.Equal(t, uint64(3), nw.nodes[1].Status().LeadTransferee)
}

func TestTimeoutNowIgnoredByLearner(t *testing.T) {
	r := newTestRaft(t, 4, []uint64{1, 2, 3}, HardState{Term: 1}, nil)
	r.setConf(ConfState{Voters: []uint64{1, 2, 3}, Learners: []uint64{4}})
	require.NoError(t, r.Step(Message{From: 1, To: 4, Term: 1, Type: MsgTimeoutNow}))
	assert.Equal(t, RoleFollower, r.state)
	assert.Equal(t, uint64(1), r.term)
}
