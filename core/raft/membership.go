package raft

import (
	"fmt"

	"github.com/raftlab/raftlab/core/mark"
)

// applyConfChange applies one single-server change to the configuration. It is idempotent (a host
// that restarts re-applies committed changes) and a change with NodeID None only returns the
// current configuration (hosts apply refused changes that way).
func (r *raft) applyConfChange(cc ConfChange) ConfState {
	if cc.NodeID == None {
		return r.confState()
	}
	voters, learners := r.voters, r.learners
	switch cc.Type {
	case ConfChangeAddNode:
		r.marks.HitIf(containsID(learners, cc.NodeID), mark.RaftLearnerPromoted)
		learners = removeID(learners, cc.NodeID)
		voters = addID(voters, cc.NodeID)
	case ConfChangeAddLearner:
		if containsID(voters, cc.NodeID) {
			return r.confState() // demoting a voter is not supported
		}
		r.marks.HitIf(!containsID(learners, cc.NodeID), mark.RaftLearnerAdded)
		learners = addID(learners, cc.NodeID)
	case ConfChangeRemoveNode:
		voters = removeID(voters, cc.NodeID)
		learners = removeID(learners, cc.NodeID)
	default:
		return r.confState()
	}
	r.setConf(ConfState{Voters: voters, Learners: learners})
	if r.state != RoleLeader {
		return r.confState()
	}
	if cc.Type == ConfChangeRemoveNode && cc.NodeID == r.id {
		// The leader applied its own removal: it steps down and the rest elect a new leader. First
		// it tells them what it committed, its removal included (heartbeats carry the commit index
		// up to each one's match), so that they stop counting it among the voters before they
		// elect its successor: a quorum that still counted it might never be reached once it is
		// gone (a voter added but never started, say). etcd 3.5's leader goes on heartbeating
		// until its server stops, a second later.
		r.marks.Hit(mark.RaftLeaderRemovedSelf)
		r.bcastHeartbeat(nil)
		r.becomeFollower(r.term, None)
		return r.confState()
	}
	if cc.NodeID == r.leadTransferee && !containsID(voters, cc.NodeID) {
		r.leadTransferee = None
	}
	if r.maybeCommit() {
		// The quorum may have shrunk.
		r.marks.Hit(mark.RaftConfChangeCommits)
		r.bcastAppend()
	}
	return r.confState()
}

// validateConfChange checks a proposed change before it enters the log.
func validateConfChange(cc ConfChange) error {
	if cc.NodeID == None {
		return fmt.Errorf("%w: node ID must not be zero", ErrInvalidConfChange)
	}
	if cc.Type > ConfChangeAddLearner {
		return fmt.Errorf("%w: unknown type %d", ErrInvalidConfChange, cc.Type)
	}
	return nil
}

func containsID(ids []uint64, id uint64) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

func addID(ids []uint64, id uint64) []uint64 {
	if containsID(ids, id) {
		return ids
	}
	return cloneIDs(append(append([]uint64(nil), ids...), id))
}

func removeID(ids []uint64, id uint64) []uint64 {
	out := make([]uint64, 0, len(ids))
	for _, x := range ids {
		if x != id {
			out = append(out, x)
		}
	}
	return out
}
