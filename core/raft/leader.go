package raft

import (
	"fmt"
	"slices"

	"github.com/raftlab/raftlab/core/mark"
)

func stepLeader(r *raft, m Message) error {
	switch m.Type {
	case MsgBeat:
		r.bcastHeartbeat(r.readOnly.lastPendingContext())
		return nil
	case MsgCheckQuorum:
		if !r.quorumActive() {
			r.marks.Hit(mark.RaftCheckQuorumStepDown)
			r.becomeFollower(r.term, None)
			return nil
		}
		r.resetRecentActive()
		return nil
	case MsgProp:
		return r.leaderPropose(m)
	case MsgReadIndex:
		return r.leaderReadIndex(m)
	case MsgTransferLeader:
		r.leaderTransfer(m.From)
		return nil
	}

	pr := r.prs[m.From]
	if pr == nil {
		return nil // a response from a node that is no longer a member
	}
	switch m.Type {
	case MsgAppResp:
		pr.recentActive = true
		if m.Reject {
			r.handleAppendReject(m, pr)
		} else {
			r.handleAppendAck(m, pr)
		}
	case MsgHeartbeatResp:
		pr.recentActive = true
		pr.probeSent = false
		if pr.state == ProgressSnapshot {
			pr.snapshotWait++
			if pr.snapshotWait*r.heartbeatTimeout >= r.electionTimeout {
				// No MsgAppResp and no ReportSnapshot for an election timeout: the snapshot
				// was lost. Probe again (which sends a new snapshot if still needed).
				r.marks.Hit(mark.RaftSnapshotPresumedLost)
				pr.pendingSnapshot = 0
				pr.becomeProbe()
			}
		}
		if pr.state == ProgressReplicate && pr.inflights.full() {
			r.marks.Hit(mark.RaftInflightsFull)
			pr.inflights.freeFirstOne()
		}
		if pr.match < r.log.lastIndex() {
			r.sendAppend(m.From)
		}
		if len(m.Context) > 0 {
			r.confirmRead(m.From, m.Context)
		}
	case MsgSnapStatus:
		if pr.state != ProgressSnapshot {
			return nil
		}
		if m.Reject {
			pr.pendingSnapshot = 0
		}
		pr.becomeProbe()
		// Wait for a MsgAppResp or a heartbeat response before probing again.
		pr.probeSent = true
	case MsgUnreachable:
		if pr.state == ProgressReplicate {
			pr.becomeProbe()
		}
	}
	return nil
}

// resetRecentActive starts a new activity window. A peer that stayed silent for the whole last
// window goes back to probing, so that the leader stops pipelining into a black hole.
func (r *raft) resetRecentActive() {
	for id, pr := range r.prs {
		if id == r.id {
			pr.recentActive = true
			continue
		}
		if !pr.recentActive && pr.state == ProgressReplicate {
			pr.becomeProbe()
		}
		pr.recentActive = false
	}
}

func (r *raft) leaderPropose(m Message) error {
	if len(m.Entries) == 0 {
		return fmt.Errorf("%w: empty proposal", ErrProposalDropped)
	}
	if r.prs[r.id] == nil {
		return fmt.Errorf("%w: this node was removed from the cluster", ErrProposalDropped)
	}
	if r.leadTransferee != None {
		r.marks.Hit(mark.RaftProposalDroppedTransfer)
		return fmt.Errorf("%w: leadership transfer to %d in progress", ErrProposalDropped, r.leadTransferee)
	}
	for i, e := range m.Entries {
		if e.Type != EntryConfChange {
			continue
		}
		if r.pendingConfIndex > r.log.applied {
			r.marks.Hit(mark.RaftConfChangeRefusedPending)
			return ErrConfChangePending
		}
		r.pendingConfIndex = r.log.lastIndex() + uint64(i) + 1
	}
	if !r.appendEntry(m.Entries...) {
		return fmt.Errorf("%w: too many uncommitted bytes", ErrProposalDropped)
	}
	r.bcastAppend()
	return nil
}

func (r *raft) handleAppendReject(m Message, pr *progress) {
	next := m.RejectHint
	if m.LogTerm > 0 {
		// Skip every entry of ours whose term is above the follower's term at the hint: none of
		// them can match.
		next, _ = r.log.findConflictByTerm(m.RejectHint, m.LogTerm)
		r.marks.HitIf(next < m.RejectHint, mark.RaftRejectHintSkipsTerm)
	}
	if pr.maybeDecrTo(m.Index, next) {
		if pr.state == ProgressReplicate {
			pr.becomeProbe()
		}
		r.sendAppend(m.From)
	}
}

func (r *raft) handleAppendAck(m Message, pr *progress) {
	wasPaused := pr.isPaused()
	if !pr.maybeUpdate(m.Index) {
		return
	}
	switch {
	case pr.state == ProgressProbe:
		pr.becomeReplicate()
	case pr.state == ProgressSnapshot && pr.match >= pr.pendingSnapshot:
		pr.becomeProbe()
		pr.becomeReplicate()
	case pr.state == ProgressReplicate:
		pr.inflights.freeLE(m.Index)
	}
	if r.maybeCommit() {
		r.bcastAppend()
	} else if wasPaused {
		r.sendAppend(m.From)
	}
	// Fill the pipeline.
	for r.maybeSendAppend(m.From, false) {
	}
	if m.From == r.leadTransferee && pr.match == r.log.lastIndex() {
		r.sendTimeoutNow(m.From)
	}
}

// maybeCommit advances the commit index to the highest index stored on a quorum of voters, if
// that entry is of the current term (Figure 8; see Bugs.CommitPreviousTermByCounting).
func (r *raft) maybeCommit() bool {
	if len(r.voters) == 0 {
		return false
	}
	matches := r.matchBuf[:0]
	for _, pr := range r.voterProgress {
		matches = append(matches, pr.match)
	}
	slices.Sort(matches) // ascending, in place: no allocation (sort.Slice allocated on every commit check)
	r.matchBuf = matches
	mci := matches[len(matches)-r.quorum()]
	if !r.log.maybeCommit(mci, r.term, r.bugs.CommitPreviousTermByCounting) {
		return false
	}
	if len(r.pendingReadIndexMsgs) > 0 {
		r.releasePendingReads()
	}
	return true
}

func (r *raft) committedEntryInCurrentTerm() bool {
	return r.log.termOrZero(r.log.committed) == r.term
}

func (r *raft) bcastAppend() {
	for _, id := range r.peerIDs() {
		r.sendAppend(id)
	}
}

func (r *raft) sendAppend(to uint64) { r.maybeSendAppend(to, true) }

// maybeSendAppend sends a MsgApp (or a MsgSnap when the entries are compacted) to a peer unless it
// is paused. An empty MsgApp goes out only if sendIfEmpty (it carries the commit index).
func (r *raft) maybeSendAppend(to uint64, sendIfEmpty bool) bool {
	pr := r.prs[to]
	if pr == nil || pr.isPaused() {
		return false
	}
	prevIndex := pr.next - 1
	prevTerm, errTerm := r.log.term(prevIndex)
	ents, errEnts := r.log.entries(pr.next, r.maxMsgSize)
	if len(ents) == 0 && errEnts == nil && !sendIfEmpty {
		return false
	}
	if errTerm != nil || errEnts != nil {
		return r.sendSnapshot(to, pr)
	}
	r.send(Message{To: to, Type: MsgApp, Index: prevIndex, LogTerm: prevTerm, Entries: ents, Commit: r.log.committed})
	if n := len(ents); n > 0 {
		last := ents[n-1].Index
		switch pr.state {
		case ProgressReplicate:
			pr.next = last + 1
			pr.inflights.add(last)
		case ProgressProbe:
			pr.probeSent = true
		}
	}
	return true
}

func (r *raft) sendSnapshot(to uint64, pr *progress) bool {
	if !pr.recentActive {
		return false
	}
	snap, err := r.log.snapshot()
	if err != nil || snap.IsEmpty() {
		return false
	}
	r.marks.Hit(mark.RaftSnapshotSent)
	r.send(Message{To: to, Type: MsgSnap, Snapshot: &snap})
	pr.becomeSnapshot(snap.Metadata.Index)
	return true
}

func (r *raft) bcastHeartbeat(ctx []byte) {
	for _, id := range r.peerIDs() {
		pr := r.prs[id]
		r.send(Message{To: id, Type: MsgHeartbeat, Commit: min(pr.match, r.log.committed), Context: ctx})
	}
}

// quorumActive reports whether a quorum of voters (counting self) was heard from recently.
func (r *raft) quorumActive() bool {
	active := 0
	for _, id := range r.voters {
		if id == r.id {
			active++
		} else if pr := r.prs[id]; pr != nil && pr.recentActive {
			active++
		}
	}
	return active >= r.quorum()
}
