package raft

import (
	"bytes"

	"github.com/raftlab/raftlab/core/mark"
)

// Step is the single entry point for messages, local and remote. It first applies the term rules
// common to every role (Figure 2, "Rules for Servers"), then the role's own step function.
func (r *raft) Step(m Message) error {
	// A node outside our configuration must not disrupt it (for example a removed node that keeps
	// campaigning).
	if (m.Type == MsgVote || m.Type == MsgPreVote) && r.confKnown && !r.isMember(m.From) {
		r.marks.Hit(mark.RaftVoteFromNonMember)
		return nil
	}
	switch {
	case m.Term == 0:
		// local message
	case m.Term > r.term:
		if m.Type == MsgVote || m.Type == MsgPreVote {
			force := bytes.Equal(m.Context, campaignTransfer)
			inLease := r.checkQuorum && r.lead != None && r.electionElapsed < r.electionTimeout
			if !force && inLease {
				// Leader stickiness: we heard from a live leader within the election timeout.
				r.marks.Hit(mark.RaftVoteIgnoredInLease)
				return nil
			}
		}
		switch {
		case m.Type == MsgPreVote:
			// A pre-vote never changes our term.
		case m.Type == MsgPreVoteResp && !m.Reject:
			// The term is bumped only when the pre-election is won.
		default:
			if m.Type == MsgApp || m.Type == MsgHeartbeat || m.Type == MsgSnap {
				r.becomeFollower(m.Term, m.From)
			} else {
				r.becomeFollower(m.Term, None)
			}
		}
	case m.Term < r.term:
		if m.Type == MsgHeartbeat || m.Type == MsgApp {
			// A stale leader (e.g. one that was partitioned away) learns our term from this
			// response and steps down; without it, it would keep a node that ignores its
			// higher-term pre-votes from ever being elected.
			r.marks.Hit(mark.RaftStaleTermAnswered)
			r.send(Message{To: m.From, Type: MsgAppResp})
		} else if m.Type == MsgPreVote || m.Type == MsgVote {
			// Figure 2: reply false if term < currentTerm; our term makes the candidate step down.
			respType := MsgVoteResp
			if m.Type == MsgPreVote {
				respType = MsgPreVoteResp
			}
			r.send(Message{To: m.From, Term: r.term, Type: respType, Reject: true})
		}
		return nil
	}

	switch m.Type {
	case MsgHup:
		if r.preVote {
			r.hup(false, true)
		} else {
			r.hup(false, false)
		}
	case MsgVote, MsgPreVote:
		r.handleVoteRequest(m)
	default:
		return r.step(r, m)
	}
	return nil
}

// handleVoteRequest is the RequestVote receiver (Figure 2): grant if we have not voted for another
// candidate this term and the candidate's log is at least as up to date as ours.
func (r *raft) handleVoteRequest(m Message) {
	canVote := r.vote == m.From ||
		(r.vote == None && r.lead == None) ||
		(m.Type == MsgPreVote && m.Term > r.term)
	respType := MsgVoteResp
	if m.Type == MsgPreVote {
		respType = MsgPreVoteResp
	}
	if canVote && (r.bugs.VoteWithoutLogCheck || r.log.isUpToDate(m.Index, m.LogTerm)) {
		// The response carries the candidate's term: for a pre-vote our own term is lower and the
		// candidate would otherwise ignore the grant.
		r.send(Message{To: m.From, Term: m.Term, Type: respType})
		if m.Type == MsgVote {
			r.electionElapsed = 0
			r.vote = m.From
		}
		return
	}
	r.marks.HitIf(canVote, mark.RaftVoteRejectedLog)
	r.send(Message{To: m.From, Term: r.term, Type: respType, Reject: true})
}

// hup starts a (pre-)election unless this node may not campaign.
func (r *raft) hup(transfer, pre bool) {
	if r.state == RoleLeader || !r.promotable() {
		return
	}
	// A node with committed conf changes it has not applied yet may not know the current
	// configuration; campaigning could then use the wrong quorum.
	if r.hasUnappliedConfChanges() {
		return
	}
	r.campaign(transfer, pre)
}

func (r *raft) hasUnappliedConfChanges() bool {
	if r.log.applied >= r.log.committed {
		return false
	}
	ents, err := r.log.slice(max(r.log.applied+1, r.log.firstIndex()), r.log.committed+1, noLimit)
	if err != nil {
		return true
	}
	for _, e := range ents {
		if e.Type == EntryConfChange {
			return true
		}
	}
	return false
}

func (r *raft) campaign(transfer, pre bool) {
	var term uint64
	var voteMsg MessageType
	if pre {
		r.becomePreCandidate()
		voteMsg = MsgPreVote
		term = r.term + 1
	} else {
		r.becomeCandidate()
		voteMsg = MsgVote
		term = r.term
	}
	if r.poll(r.id, true) == voteWon {
		if pre {
			r.campaign(transfer, false)
		} else {
			r.becomeLeader()
		}
		return
	}
	var ctx []byte
	if transfer {
		ctx = campaignTransfer
	}
	for _, id := range r.voters {
		if id == r.id {
			continue
		}
		r.send(Message{To: id, Term: term, Type: voteMsg, Index: r.log.lastIndex(), LogTerm: r.log.lastTerm(), Context: ctx})
	}
}

type voteResult uint8

const (
	votePending voteResult = iota
	voteLost
	voteWon
)

// poll records a vote and tallies the voters' answers.
func (r *raft) poll(id uint64, granted bool) voteResult {
	if _, ok := r.votes[id]; !ok {
		r.votes[id] = granted
	}
	yes, no := 0, 0
	for _, v := range r.voters {
		g, ok := r.votes[v]
		switch {
		case !ok:
		case g:
			yes++
		default:
			no++
		}
	}
	q := r.quorum()
	switch {
	case yes >= q:
		return voteWon
	case no > len(r.voters)-q:
		return voteLost
	}
	return votePending
}
