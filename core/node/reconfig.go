package node

import (
	"errors"

	"github.com/raftlab/raftlab/core/mark"
)

// ErrNotEnoughStartedMembers is the strict reconfiguration check's refusal (etcd's text).
var ErrNotEnoughStartedMembers = errors.New("etcdserver: re-configuration failed due to not enough started members")

// checkReconfig applies Config.StrictReconfigCheck (etcd's --strict-reconfig-check) against the
// applied membership: an add must leave the started members (those with a name) a quorum of the
// grown cluster, and a remove must leave enough started members for the shrunk one.
func (n *Node) checkReconfig(req Request) error {
	if !n.cfg.StrictReconfigCheck || (req.Kind != KindMemberAdd && req.Kind != KindMemberRemove) {
		return nil
	}
	ms := n.members
	if req.Kind == KindMemberRemove {
		if _, ok := ms.members[req.MemberID]; !ok || ms.learners[req.MemberID] {
			return nil // the node gives the precise error (not found, removed) or removes a learner
		}
	}
	started := 0
	for id, m := range ms.members { // a count: the map's order does not matter
		if m.Name != "" && !ms.learners[id] && !(req.Kind == KindMemberRemove && id == req.MemberID) {
			started++
		}
	}
	voters := len(ms.members) - len(ms.learners)
	if req.Kind == KindMemberAdd {
		voters++
	} else {
		voters--
	}
	// etcd's exception: a one-member cluster may always grow to two (restoring from a backup).
	if req.Kind == KindMemberAdd && started == 1 && voters == 2 {
		return nil
	}
	if started < voters/2+1 {
		n.cfg.Marks.Hit(mark.NodeReconfigRefused)
		return ErrNotEnoughStartedMembers
	}
	return nil
}
