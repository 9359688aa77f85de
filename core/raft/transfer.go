package raft

import "github.com/raftlab/raftlab/core/mark"

// leaderTransfer hands leadership to transferee: it is caught up first, then told to campaign at
// once with MsgTimeoutNow. Proposals are refused meanwhile; tickHeartbeat aborts the transfer
// after an election timeout.
func (r *raft) leaderTransfer(transferee uint64) {
	pr := r.prs[transferee]
	if pr == nil || pr.isLearner {
		return
	}
	if r.leadTransferee != None {
		if r.leadTransferee == transferee {
			return
		}
		r.leadTransferee = None
	}
	if transferee == r.id {
		return
	}
	// The transfer must finish within an election timeout (tickHeartbeat aborts it).
	r.marks.Hit(mark.RaftTransferStarted)
	r.electionElapsed = 0
	r.leadTransferee = transferee
	if pr.match == r.log.lastIndex() {
		r.sendTimeoutNow(transferee)
	} else {
		r.sendAppend(transferee)
	}
}

func (r *raft) sendTimeoutNow(to uint64) {
	r.marks.Hit(mark.RaftTransferTimeoutNow)
	r.send(Message{To: to, Type: MsgTimeoutNow})
}
