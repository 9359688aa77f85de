package raft

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func (nw *network) confChange(id uint64, cc ConfChange) error {
	err := nw.nodes[id].ProposeConfChange(cc)
	nw.stabilize()
	return err
}

func TestAddVoter(t *testing.T) {
	nw := newNetwork(t, 3)
	nw.campaign(1)
	// A joining node starts with the configuration that includes itself.
	nw.addNode(4, []uint64{1, 2, 3, 4}, nil)
	require.NoError(t, nw.confChange(1, ConfChange{Type: ConfChangeAddNode, NodeID: 4}))
	nw.tick(2 * testHeartbeat)
	for _, id := range nw.ids {
		assert.Equal(t, []uint64{1, 2, 3, 4}, nw.nodes[id].Status().ConfState.Voters, "node %d", id)
	}
	// Quorum is now 3 of 4: with two nodes down nothing commits.
	nw.isolate(3)
	nw.isolate(4)
	commit := nw.node(1).log.committed
	require.NoError(t, nw.propose(1, "x"))
	assert.Equal(t, commit, nw.node(1).log.committed)
	nw.heal()
	nw.tick(2 * testHeartbeat)
	assert.Equal(t, []string{"x"}, nw.data(4))
}

func TestOnlyOneConfChangePending(t *testing.T) {
	nw := newNetwork(t, 3)
	nw.campaign(1)
	nw.isolate(2)
	nw.isolate(3)
	require.NoError(t, nw.nodes[1].ProposeConfChange(ConfChange{Type: ConfChangeAddNode, NodeID: 4}))
	err := nw.nodes[1].ProposeConfChange(ConfChange{Type: ConfChangeAddNode, NodeID: 5})
	require.ErrorIs(t, err, ErrConfChangePending)
	nw.heal()
	nw.tick(2 * testHeartbeat)
	require.NoError(t, nw.nodes[1].ProposeConfChange(ConfChange{Type: ConfChangeAddNode, NodeID: 5}), "allowed once the first is applied")
}

func TestNewLeaderDefersConfChangeUntilItsNoopApplies(t *testing.T) {
	nw := newNetwork(t, 3)
	nw.campaign(1)
	nw.isolate(1)
	nw.drop = func(m Message) bool { return m.Type == MsgApp } // the no-op does not commit
	nw.campaign(2)
	require.Equal(t, RoleLeader, nw.node(2).state)
	err := nw.nodes[2].ProposeConfChange(ConfChange{Type: ConfChangeAddNode, NodeID: 4})
	require.ErrorIs(t, err, ErrConfChangePending)
}

func TestRemoveFollower(t *testing.T) {
	nw := newNetwork(t, 3)
	nw.campaign(1)
	require.NoError(t, nw.confChange(1, ConfChange{Type: ConfChangeRemoveNode, NodeID: 3}))
	assert.Equal(t, []uint64{1, 2}, nw.nodes[1].Status().ConfState.Voters)
	// Quorum is 2 of 2: node 3's absence does not matter any more.
	nw.isolate(3)
	require.NoError(t, nw.propose(1, "x"))
	assert.Equal(t, []string{"x"}, nw.data(2))
	assert.Len(t, nw.nodes[1].Status().Progress, 2, "the leader stopped tracking node 3")
}

func TestRemoveLeader(t *testing.T) {
	nw := newNetwork(t, 3)
	nw.campaign(1)
	require.NoError(t, nw.confChange(1, ConfChange{Type: ConfChangeRemoveNode, NodeID: 1}))
	assert.Equal(t, RoleFollower, nw.node(1).state, "the leader stepped down after applying its own removal")
	err := nw.propose(1, "x")
	var nl *NotLeaderError
	require.ErrorAs(t, err, &nl)
	nw.tick(3 * testElection)
	require.Len(t, nw.leaders(), 1)
	lead := nw.leaders()[0]
	assert.NotEqual(t, uint64(1), lead)
	require.NoError(t, nw.propose(lead, "x"))
	for _, id := range []uint64{2, 3} {
		assert.Equal(t, []string{"x"}, nw.data(id))
		assert.Equal(t, []uint64{2, 3}, nw.nodes[id].Status().ConfState.Voters)
	}
	assert.Error(t, nw.nodes[1].Campaign(), "a removed node cannot campaign")
}

// A removed node that did not learn of its removal keeps campaigning; the members ignore it.
func TestRemovedNodeCannotDisrupt(t *testing.T) {
	nw := newNetwork(t, 3)
	nw.campaign(1)
	nw.isolate(3)
	require.NoError(t, nw.confChange(1, ConfChange{Type: ConfChangeRemoveNode, NodeID: 3}))
	nw.heal()
	nw.partition([]uint64{1, 2}, []uint64{3}) // the members no longer talk to 3
	nw.cut[[2]uint64{3, 1}] = false
	nw.cut[[2]uint64{3, 2}] = false // but 3 still reaches them
	for i := 0; i < 3; i++ {
		nw.campaign(3)
	}
	assert.Greater(t, nw.node(3).term, uint64(1))
	assert.Equal(t, uint64(1), nw.node(1).term)
	assert.Equal(t, uint64(1), nw.node(2).term)
	assert.Equal(t, []uint64{1}, nw.leaders())
}

func TestLearner(t *testing.T) {
	nw := newNetwork(t, 3)
	nw.campaign(1)
	nw.addNode(4, []uint64{1, 2, 3}, []uint64{4})
	require.NoError(t, nw.confChange(1, ConfChange{Type: ConfChangeAddLearner, NodeID: 4}))
	require.NoError(t, nw.propose(1, "x"))
	assert.Equal(t, []string{"x"}, nw.data(4), "a learner receives the log")
	assert.Equal(t, []uint64{4}, nw.nodes[1].Status().ConfState.Learners)

	// A learner never campaigns.
	nw.isolate(1)
	nw.tickNode(4, 5*testElection)
	assert.Equal(t, RoleFollower, nw.node(4).state)
	assert.Error(t, nw.nodes[4].Campaign())
	nw.heal()

	// A learner does not count for the quorum.
	nw.isolate(2)
	nw.isolate(3)
	commit := nw.node(1).log.committed
	require.NoError(t, nw.propose(1, "y"))
	assert.Equal(t, nw.node(1).log.lastIndex(), nw.node(1).prs[4].match, "the learner acknowledged")
	assert.Equal(t, commit, nw.node(1).log.committed, "but that is not a quorum")
	nw.heal()
	nw.tick(2 * testHeartbeat)

	// A learner's vote does not count either.
	r := nw.node(1)
	r.becomeFollower(r.term, None)
	r.becomeCandidate()
	assert.Equal(t, votePending, r.poll(1, true))
	assert.Equal(t, votePending, r.poll(4, true))
	assert.Equal(t, voteWon, r.poll(2, true))
	nw.restart(1)
	nw.tick(3 * testElection)

	// Promotion: AddNode of an existing learner makes it a voter.
	lead := nw.leaders()[0]
	require.NoError(t, nw.confChange(lead, ConfChange{Type: ConfChangeAddNode, NodeID: 4}))
	nw.tick(2 * testHeartbeat)
	cs := nw.nodes[4].Status().ConfState
	assert.Equal(t, []uint64{1, 2, 3, 4}, cs.Voters)
	assert.Empty(t, cs.Learners)
	assert.NoError(t, nw.nodes[4].Campaign())
}

func TestApplyConfChangeRules(t *testing.T) {
	tests := []struct {
		name string
		cc   ConfChange
		want ConfState
	}{
		{name: "add voter", cc: ConfChange{Type: ConfChangeAddNode, NodeID: 4}, want: ConfState{Voters: []uint64{1, 2, 3, 4}, Learners: []uint64{5}}},
		{name: "add existing voter is a no-op", cc: ConfChange{Type: ConfChangeAddNode, NodeID: 2}, want: ConfState{Voters: []uint64{1, 2, 3}, Learners: []uint64{5}}},
		{name: "add learner", cc: ConfChange{Type: ConfChangeAddLearner, NodeID: 6}, want: ConfState{Voters: []uint64{1, 2, 3}, Learners: []uint64{5, 6}}},
		{name: "voter cannot be demoted", cc: ConfChange{Type: ConfChangeAddLearner, NodeID: 2}, want: ConfState{Voters: []uint64{1, 2, 3}, Learners: []uint64{5}}},
		{name: "promote learner", cc: ConfChange{Type: ConfChangeAddNode, NodeID: 5}, want: ConfState{Voters: []uint64{1, 2, 3, 5}}},
		{name: "remove voter", cc: ConfChange{Type: ConfChangeRemoveNode, NodeID: 3}, want: ConfState{Voters: []uint64{1, 2}, Learners: []uint64{5}}},
		{name: "remove learner", cc: ConfChange{Type: ConfChangeRemoveNode, NodeID: 5}, want: ConfState{Voters: []uint64{1, 2, 3}}},
		{name: "node None only reports", cc: ConfChange{Type: ConfChangeRemoveNode, NodeID: None}, want: ConfState{Voters: []uint64{1, 2, 3}, Learners: []uint64{5}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := NewMemoryStorage()
			c := testConfig(1, []uint64{1, 2, 3}, s)
			c.Learners = []uint64{5}
			n, err := NewNode(c)
			require.NoError(t, err)
			assert.Equal(t, tt.want, n.ApplyConfChange(tt.cc))
		})
	}
}

func TestProposeConfChangeValidation(t *testing.T) {
	nw := newNetwork(t, 1)
	nw.campaign(1)
	err := nw.nodes[1].ProposeConfChange(ConfChange{Type: ConfChangeAddNode})
	require.ErrorIs(t, err, ErrInvalidConfChange)
	err = nw.nodes[1].ProposeConfChange(ConfChange{Type: 9, NodeID: 2})
	require.ErrorIs(t, err, ErrInvalidConfChange)
}

func TestConfChangeCodec(t *testing.T) {
	for _, cc := range []ConfChange{
		{Type: ConfChangeAddNode, NodeID: 7, Context: []byte("name=a")},
		{Type: ConfChangeRemoveNode, NodeID: 1<<64 - 1},
		{Type: ConfChangeAddLearner, NodeID: 3},
	} {
		got, err := DecodeConfChange(EncodeConfChange(cc))
		require.NoError(t, err)
		assert.Equal(t, cc, got)
	}
	bad := [][]byte{nil, {1, 0}, append([]byte{2}, make([]byte, 9)...), append([]byte{1, 9}, make([]byte, 8)...)}
	for _, b := range bad {
		_, err := DecodeConfChange(b)
		assert.ErrorIs(t, err, ErrInvalidConfChange, "%v", b)
	}
}

// A node started without any configuration cannot know the bootstrap members (they are not in
// the log), so whatever it derives from applied conf changes is incomplete: it must never
// campaign on it, until a snapshot gives it a complete configuration.
func TestJoinerWithoutConfigurationNeverCampaigns(t *testing.T) {
	nw := newNetwork(t, 3)
	nw.campaign(1)
	nw.addNode(4, nil, nil)
	require.NoError(t, nw.confChange(1, ConfChange{Type: ConfChangeAddNode, NodeID: 4}))
	nw.tick(2 * testHeartbeat)
	assert.Equal(t, []uint64{4}, nw.nodes[4].Status().ConfState.Voters, "only the change it replayed")
	nw.isolate(4)
	nw.tickNode(4, 5*testElection)
	assert.Equal(t, RoleFollower, nw.node(4).state, "a quorum of one would be a split brain")
	require.Error(t, nw.nodes[4].Campaign())
	// It still votes for members it does not know about.
	nw.heal()
	nw.isolate(1)
	nw.campaign(2)
	assert.Equal(t, RoleLeader, nw.node(2).state)

}

func TestJoinerLearnsConfigurationFromSnapshot(t *testing.T) {
	nw := newNetwork(t, 3)
	nw.campaign(1)
	nw.addNode(4, nil, nil)
	nw.isolate(4)
	require.NoError(t, nw.confChange(1, ConfChange{Type: ConfChangeAddNode, NodeID: 4}))
	nw.compact(1, "img") // node 4 will need the snapshot
	nw.heal()
	nw.tick(2 * testHeartbeat)
	assert.Equal(t, []uint64{1, 2, 3, 4}, nw.nodes[4].Status().ConfState.Voters)
	assert.NoError(t, nw.nodes[4].Campaign())
}

// A node that has committed a conf change it has not applied yet does not know its configuration
// and must not campaign.
func TestNoCampaignWithUnappliedConfChange(t *testing.T) {
	cc := Entry{Index: 2, Term: 1, Type: EntryConfChange, Data: EncodeConfChange(ConfChange{Type: ConfChangeAddNode, NodeID: 4})}
	for _, pending := range []bool{true, false} {
		t.Run(map[bool]string{true: "pending", false: "applied"}[pending], func(t *testing.T) {
			r := newTestRaft(t, 1, []uint64{1, 2, 3}, HardState{Term: 1, Commit: 2}, []Entry{{Index: 1, Term: 1}, cc})
			if !pending {
				r.log.appliedTo(2)
			}
			for i := 0; i < 2*testElection; i++ {
				r.tick()
			}
			if pending {
				assert.Equal(t, RoleFollower, r.state)
			} else {
				assert.Equal(t, RoleCandidate, r.state)
			}
		})
	}
}

// A leader that applies its own removal tells the others, before it steps down, what it committed,
// the removal included: its server stops right after (the node refuses everything once removed), and
// members that still counted it might never reach a quorum again (keys-membership seed 14115, with a
// voter added but never started). The heartbeats carry each member's share of the commit index.
func TestRemovedLeaderSendsTheCommitIndexAsItStepsDown(t *testing.T) {
	nw := newNetwork(t, 3)
	nw.campaign(1)
	require.NoError(t, nw.propose(1, "x"))
	lead := nw.nodes[1]
	lead.TakeMessages()
	committed := nw.node(1).log.committed
	lead.ApplyConfChange(ConfChange{Type: ConfChangeRemoveNode, NodeID: 1})
	require.Equal(t, RoleFollower, nw.node(1).state)
	var to []uint64
	for _, m := range lead.TakeMessages() {
		if m.Type == MsgHeartbeat {
			to = append(to, m.To)
			assert.Equal(t, committed, m.Commit, "the heartbeat to %d carries the commit index", m.To)
		}
	}
	assert.ElementsMatch(t, []uint64{2, 3}, to, "one heartbeat to each member that stays")
	assert.Empty(t, lead.TakeMessages(), "taken messages are gone")
}

// SnapshotIndex is the snapshot's last index as soon as raft restores a snapshot from the leader,
// before the host has seen it in a Ready: a host still applying older committed entries must leave
// raft's configuration alone for them (the node's applyEntry).
func TestSnapshotIndexFollowsARestoredSnapshot(t *testing.T) {
	nw := newNetwork(t, 3)
	n := nw.nodes[2]
	require.Zero(t, n.SnapshotIndex())
	snap := &Snapshot{Metadata: SnapshotMetadata{Index: 10, Term: 1, ConfState: ConfState{Voters: []uint64{1, 2, 3}}}}
	require.NoError(t, n.Step(Message{Type: MsgSnap, From: 1, To: 2, Term: 1, Snapshot: snap}))
	assert.Equal(t, uint64(10), n.SnapshotIndex())
}
