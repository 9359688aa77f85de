package node

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/raftlab/raftlab/core/raft"
	"github.com/raftlab/raftlab/core/store"
)

// verifyRole checks that a member campaigning or leading is a voter of raft's configuration: a
// learner, or a member the configuration does not hold, never campaigns (etcd raft's promotable),
// so it never leads either.
func (n *Node) verifyRole(cs raft.ConfState) error {
	role := n.soft.Role
	if role == raft.RoleFollower || slices.Contains(cs.Voters, n.cfg.ID) {
		return nil
	}
	return fmt.Errorf("%w: member %x is %s but not a voter (voters %v, learners %v)",
		ErrInconsistent, n.cfg.ID, role, cs.Voters, cs.Learners)
}

// verifyMemberRecords checks the member table against the records the same applied entries wrote
// into the store's internal namespace (etcd's membership store): one /members/<id> directory per
// member whose raftAttributes say whether it is a learner, one /removed_members/<id> per removed
// ID. The two are restored from different parts of a snapshot and changed by different code, so a
// part lost or left stale shows here at once, long before it changes an answer.
func (n *Node) verifyMemberRecords() error {
	recorded, learners, err := n.recordedMembers()
	if err != nil {
		return err
	}
	var members, tableLearners []uint64
	for id := range n.members.members {
		members = append(members, id)
		if n.members.learners[id] {
			tableLearners = append(tableLearners, id)
		}
	}
	if !sameIDs(members, recorded) || !sameIDs(tableLearners, learners) {
		return fmt.Errorf("%w: the member table (members %v, learners %v) is not the store's member records (members %v, learners %v)",
			ErrInconsistent, members, tableLearners, recorded, learners)
	}
	removed, err := n.internalIDs("/removed_members")
	if err != nil {
		return err
	}
	if table := n.members.removedIDs(); !sameIDs(table, removed) {
		return fmt.Errorf("%w: the removed members %v are not the store's records of removed members %v",
			ErrInconsistent, table, removed)
	}
	return nil
}

// recordedMembers lists the members /members records and the learners among them.
func (n *Node) recordedMembers() (members, learners []uint64, err error) {
	ev, err := n.store.GetInternal("/members", true)
	if err != nil {
		return nil, nil, notFoundIsEmpty(err)
	}
	for _, dir := range ev.Node.Nodes {
		id, err := idOfPath(dir.Key)
		if err != nil {
			return nil, nil, err
		}
		members = append(members, id)
		for _, rec := range dir.Nodes {
			if !strings.HasSuffix(rec.Key, "/raftAttributes") || rec.Value == nil {
				continue
			}
			var ra raftAttributes
			if err := json.Unmarshal([]byte(*rec.Value), &ra); err != nil {
				return nil, nil, fmt.Errorf("%w: member record %s: %w", ErrInconsistent, rec.Key, err)
			}
			if ra.IsLearner {
				learners = append(learners, id)
			}
		}
	}
	return members, learners, nil
}

// internalIDs lists the member IDs named by the children of an internal directory.
func (n *Node) internalIDs(dir string) ([]uint64, error) {
	ev, err := n.store.GetInternal(dir, false)
	if err != nil {
		return nil, notFoundIsEmpty(err)
	}
	var ids []uint64
	for _, c := range ev.Node.Nodes {
		id, err := idOfPath(c.Key)
		if err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// idOfPath is the member ID a record's last path segment names in hexadecimal.
func idOfPath(key string) (uint64, error) {
	id, err := strconv.ParseUint(key[strings.LastIndexByte(key, '/')+1:], 16, 64)
	if err != nil {
		return 0, fmt.Errorf("%w: member record %s does not name an ID: %w", ErrInconsistent, key, err)
	}
	return id, nil
}

// notFoundIsEmpty maps a missing directory (no member recorded yet) to no error.
func notFoundIsEmpty(err error) error {
	var se *store.Error
	if errors.As(err, &se) && se.ErrorCode == store.EcodeKeyNotFound {
		return nil
	}
	return fmt.Errorf("node: read member records: %w", err)
}
