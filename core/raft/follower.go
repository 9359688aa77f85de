package raft

import "github.com/raftlab/raftlab/core/mark"

func stepCandidate(r *raft, m Message) error {
	respType := MsgVoteResp
	if r.state == RolePreCandidate {
		respType = MsgPreVoteResp
	}
	switch m.Type {
	case MsgProp:
		return &NotLeaderError{Leader: None}
	case MsgReadIndex:
		return &NotLeaderError{Leader: None}
	case MsgApp:
		r.becomeFollower(m.Term, m.From)
		r.handleAppendEntries(m)
	case MsgHeartbeat:
		r.becomeFollower(m.Term, m.From)
		r.handleHeartbeat(m)
	case MsgSnap:
		r.becomeFollower(m.Term, m.From)
		r.handleSnapshot(m)
	case respType:
		switch r.poll(m.From, !m.Reject) {
		case voteWon:
			if r.state == RolePreCandidate {
				r.campaign(false, false)
			} else {
				r.becomeLeader()
				r.bcastAppend()
			}
		case voteLost:
			r.marks.HitIf(r.state == RolePreCandidate, mark.RaftPreVoteLost)
			r.marks.HitIf(r.state == RoleCandidate, mark.RaftElectionLost)
			r.becomeFollower(r.term, None)
		}
	}
	return nil
}

func stepFollower(r *raft, m Message) error {
	switch m.Type {
	case MsgProp:
		if r.lead == None {
			return &NotLeaderError{Leader: None}
		}
		if r.disableForwarding {
			return &NotLeaderError{Leader: r.lead}
		}
		r.marks.Hit(mark.RaftProposalForwarded)
		m.To = r.lead
		r.send(m)
	case MsgApp:
		r.electionElapsed = 0
		r.lead = m.From
		r.handleAppendEntries(m)
	case MsgHeartbeat:
		r.electionElapsed = 0
		r.lead = m.From
		r.handleHeartbeat(m)
	case MsgSnap:
		r.electionElapsed = 0
		r.lead = m.From
		r.handleSnapshot(m)
	case MsgTransferLeader:
		if r.lead != None {
			m.To = r.lead
			r.send(m)
		}
	case MsgTimeoutNow:
		// The leader asked us to take over: campaign at once, skipping pre-vote (we know the
		// cluster is healthy) and overriding the others' leader stickiness.
		r.marks.Hit(mark.RaftTransferCampaign)
		r.hup(true, false)
	case MsgReadIndex:
		if r.lead == None {
			return &NotLeaderError{Leader: None}
		}
		if len(m.Context) == 0 {
			return ErrReadIndexEmptyContext
		}
		r.marks.Hit(mark.RaftReadIndexForwarded)
		m.To = r.lead
		r.send(m)
	case MsgReadIndexResp:
		r.readStates = append(r.readStates, ReadState{Index: m.Index, RequestCtx: m.Context})
	}
	return nil
}

// handleAppendEntries is the AppendEntries receiver (Figure 2). A rejection carries a hint: the
// last index of ours that might match, and its term, so the leader can skip a term per round trip.
func (r *raft) handleAppendEntries(m Message) {
	if m.Index < r.log.committed {
		r.marks.Hit(mark.RaftAppendBelowCommit)
		r.send(Message{To: m.From, Type: MsgAppResp, Index: r.log.committed})
		return
	}
	if last, ok := r.log.maybeAppend(m.Index, m.LogTerm, m.Commit, m.Entries); ok {
		r.send(Message{To: m.From, Type: MsgAppResp, Index: last})
		return
	}
	r.marks.Hit(mark.RaftAppendRejected)
	hintIndex := min(m.Index, r.log.lastIndex())
	hintIndex, hintTerm := r.log.findConflictByTerm(hintIndex, m.LogTerm)
	r.send(Message{To: m.From, Type: MsgAppResp, Index: m.Index, Reject: true, RejectHint: hintIndex, LogTerm: hintTerm})
}

func (r *raft) handleHeartbeat(m Message) {
	r.log.commitTo(m.Commit)
	r.send(Message{To: m.From, Type: MsgHeartbeatResp, Context: m.Context})
}

func (r *raft) handleSnapshot(m Message) {
	if m.Snapshot == nil {
		return
	}
	if r.restore(*m.Snapshot) {
		r.send(Message{To: m.From, Type: MsgAppResp, Index: r.log.lastIndex()})
		return
	}
	r.send(Message{To: m.From, Type: MsgAppResp, Index: r.log.committed})
}

// restore installs a snapshot from the leader unless our log already covers it.
func (r *raft) restore(s Snapshot) bool {
	md := s.Metadata
	if md.Index <= r.log.committed {
		r.marks.Hit(mark.RaftSnapshotStale)
		return false
	}
	if r.log.matchTerm(md.Index, md.Term) {
		// We already have the entry: just fast-forward the commit index.
		r.log.commitTo(md.Index)
		return false
	}
	r.marks.Hit(mark.RaftSnapshotRestored)
	r.log.restore(s)
	r.setConf(md.ConfState)
	r.confKnown = true
	return true
}
