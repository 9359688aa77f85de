package node

import (
	"errors"
	"fmt"
	"slices"
)

// ErrInconsistent is wrapped by Verify's report of a member whose state disagrees with itself.
var ErrInconsistent = errors.New("node: inconsistent")

// Verify checks that the member's copies of the replicated state agree with one another, as etcd's
// verification checks do: the store's own structures (store.Verify), the configuration the member
// records in its snapshots with raft's, and the member table (members and learners) with that
// configuration, a campaigning or leading member with the voters (verifyRole), and the member
// table with the store's member records (verifyMemberRecords). A member with a persist batch in flight is between two consistent states (raft
// may have taken a snapshot the member installs once it is durable) and is not checked, nor is a
// stopped one. Verify changes nothing.
func (n *Node) Verify() error {
	if n.stopped() || n.inFlight {
		return nil
	}
	if err := n.store.Verify(); err != nil {
		return err
	}
	rc := n.raft.Status().ConfState
	if !sameIDs(rc.Voters, n.conf.Voters) || !sameIDs(rc.Learners, n.conf.Learners) {
		return fmt.Errorf("%w: the configuration recorded in snapshots (voters %v, learners %v) is not raft's (voters %v, learners %v)",
			ErrInconsistent, n.conf.Voters, n.conf.Learners, rc.Voters, rc.Learners)
	}
	var learners []uint64
	for id, isLearner := range n.members.learners {
		if isLearner {
			learners = append(learners, id)
		}
	}
	if members := n.members.ids(); !sameIDs(members, append(slices.Clone(rc.Voters), rc.Learners...)) || !sameIDs(learners, rc.Learners) {
		return fmt.Errorf("%w: the member table (members %v, learners %v) is not the configuration (voters %v, learners %v)",
			ErrInconsistent, members, learners, rc.Voters, rc.Learners)
	}
	if err := n.verifyRole(rc); err != nil {
		return err
	}
	return n.verifyMemberRecords()
}

// sameIDs reports whether a and b hold the same IDs, in any order.
func sameIDs(a, b []uint64) bool {
	if len(a) != len(b) {
		return false
	}
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}
