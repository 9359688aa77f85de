package node

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/raftlab/raftlab/core/raft"
)

// TestVerifyFindsMemberTableOffItsRecords: a removed ID the member table forgot (or one it holds
// that nothing removed), and a learner flag the records do not carry, are reported; the table as
// the applied entries left it passes.
func TestVerifyFindsMemberTableOffItsRecords(t *testing.T) {
	c := newTestCluster(t, 3, nil)
	lead := c.waitLeader()
	r, ok := c.submit(lead, Request{Kind: KindMemberAddLearner, Member: Member{ID: 9, PeerURLs: []string{"http://p9"}}}, 50)
	require.True(t, ok)
	require.NoError(t, r.Err)
	r, ok = c.submit(lead, Request{Kind: KindMemberRemove, MemberID: 9}, 50)
	require.True(t, ok)
	require.NoError(t, r.Err)
	c.tick(10)
	n := c.nodes[lead]
	require.NoError(t, n.Verify(), "the table as applied")

	delete(n.members.removed, 9)
	assert.ErrorIs(t, n.Verify(), ErrInconsistent, "a removed ID forgotten")
	n.members.removed[9] = true
	n.members.removed[7] = true
	assert.ErrorIs(t, n.Verify(), ErrInconsistent, "an ID removed only in the table")
	delete(n.members.removed, 7)
	require.NoError(t, n.Verify())

	follower := uint64(1)
	if follower == lead {
		follower = 2
	}
	n.members.learners[follower] = true
	err := n.verifyMemberRecords()
	assert.ErrorIs(t, err, ErrInconsistent, "a learner flag the records do not carry")
}

// TestVerifyFindsANonVoterCampaigning: a member that campaigns or leads while raft's configuration
// does not count it among the voters is reported; a follower outside the voters is not.
func TestVerifyFindsANonVoterCampaigning(t *testing.T) {
	c := newTestCluster(t, 3, nil)
	lead := c.waitLeader()
	n := c.nodes[lead]
	cs := raft.ConfState{Voters: []uint64{lead}, Learners: []uint64{4}}
	require.NoError(t, n.verifyRole(cs))
	cs = raft.ConfState{Voters: []uint64{lead + 10}, Learners: []uint64{lead}}
	assert.ErrorIs(t, n.verifyRole(cs), ErrInconsistent, "a learner leading")
	n.soft.Role = raft.RoleCandidate
	assert.ErrorIs(t, n.verifyRole(cs), ErrInconsistent, "a learner campaigning")
	n.soft.Role = raft.RoleFollower
	assert.NoError(t, n.verifyRole(cs), "a learner following")
}
