package raft

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// newTestRaft builds a bare state machine over a storage holding ents and hard state hs.
func newTestRaft(t *testing.T, id uint64, peers []uint64, hs HardState, ents []Entry, opts ...configOpt) *raft {
	t.Helper()
	s := NewMemoryStorage()
	require.NoError(t, s.Append(ents))
	require.NoError(t, s.SetHardState(hs))
	c := testConfig(id, peers, s)
	for _, o := range opts {
		o(&c)
	}
	r, err := newRaft(&c)
	require.NoError(t, err)
	return r
}

func takeMsgs(r *raft) []Message {
	m := r.msgs
	r.msgs = nil
	return m
}

func ents(terms ...uint64) []Entry {
	out := make([]Entry, len(terms))
	for i, t := range terms {
		out[i] = Entry{Index: uint64(i + 1), Term: t}
	}
	return out
}

// Figure 2, RequestVote RPC, receiver implementation.
func TestFigure2RequestVoteReceiver(t *testing.T) {
	tests := []struct {
		name      string
		vote      uint64
		bugs      Bugs
		msgType   MessageType
		term      uint64
		lastIndex uint64
		lastTerm  uint64
		grant     bool
	}{
		{name: "stale term is refused", msgType: MsgVote, term: 1, lastIndex: 9, lastTerm: 9},
		{name: "log with older last term is refused", msgType: MsgVote, term: 3, lastIndex: 5, lastTerm: 1},
		{name: "shorter log with same last term is refused", msgType: MsgVote, term: 3, lastIndex: 1, lastTerm: 2},
		{name: "equal log is granted", msgType: MsgVote, term: 3, lastIndex: 2, lastTerm: 2, grant: true},
		{name: "newer last term is granted even if shorter", msgType: MsgVote, term: 3, lastIndex: 1, lastTerm: 3, grant: true},
		{name: "already voted for another in this term", vote: 3, msgType: MsgVote, term: 2, lastIndex: 2, lastTerm: 2},
		{name: "same candidate again is granted", vote: 2, msgType: MsgVote, term: 2, lastIndex: 2, lastTerm: 2, grant: true},
		{name: "bug: vote without log check", bugs: Bugs{VoteWithoutLogCheck: true}, msgType: MsgVote, term: 3, lastIndex: 1, lastTerm: 1, grant: true},
		{name: "pre-vote with up-to-date log is granted", msgType: MsgPreVote, term: 3, lastIndex: 2, lastTerm: 2, grant: true},
		{name: "pre-vote with stale log is refused", msgType: MsgPreVote, term: 3, lastIndex: 1, lastTerm: 1},
		{name: "stale pre-vote is refused", msgType: MsgPreVote, term: 1, lastIndex: 2, lastTerm: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newTestRaft(t, 1, []uint64{1, 2, 3}, HardState{Term: 2, Vote: tt.vote}, ents(1, 2))
			r.bugs = tt.bugs
			require.NoError(t, r.Step(Message{From: 2, To: 1, Type: tt.msgType, Term: tt.term, Index: tt.lastIndex, LogTerm: tt.lastTerm}))
			msgs := takeMsgs(r)
			require.Len(t, msgs, 1)
			assert.Equal(t, voteRespMsgType(tt.msgType), msgs[0].Type)
			assert.Equal(t, !tt.grant, msgs[0].Reject)
			if tt.grant && tt.msgType == MsgVote {
				assert.Equal(t, uint64(2), r.vote, "the vote is recorded")
			}
			if tt.msgType == MsgPreVote {
				assert.Equal(t, uint64(2), r.term, "a pre-vote never changes the term")
			}
		})
	}
}

func voteRespMsgType(t MessageType) MessageType {
	if t == MsgPreVote {
		return MsgPreVoteResp
	}
	return MsgVoteResp
}

// Figure 2, AppendEntries RPC, receiver implementation (rules 1-5).
func TestFigure2AppendEntriesReceiver(t *testing.T) {
	tests := []struct {
		name       string
		msg        Message
		wantReject bool
		wantIndex  uint64 // acknowledged index on success
		wantLog    []uint64
		wantCommit uint64
		wantTerm   uint64 // response term
	}{
		{name: "1: stale term gets our term back", msg: Message{Term: 1, Index: 2, LogTerm: 2}, wantLog: []uint64{1, 2, 2}, wantTerm: 2},
		{name: "2: missing previous entry is rejected", msg: Message{Term: 2, Index: 5, LogTerm: 2}, wantReject: true, wantLog: []uint64{1, 2, 2}, wantTerm: 2},
		{name: "2: previous entry with another term is rejected", msg: Message{Term: 2, Index: 2, LogTerm: 1}, wantReject: true, wantLog: []uint64{1, 2, 2}, wantTerm: 2},
		{name: "3: conflicting entry and its followers are deleted",
			msg:       Message{Term: 3, Index: 1, LogTerm: 1, Entries: []Entry{{Index: 2, Term: 3}}},
			wantIndex: 2, wantLog: []uint64{1, 3}, wantTerm: 3},
		{name: "4: entries already present are kept",
			msg:       Message{Term: 2, Index: 1, LogTerm: 1, Entries: []Entry{{Index: 2, Term: 2}}},
			wantIndex: 2, wantLog: []uint64{1, 2, 2}, wantTerm: 2},
		{name: "4: new entries are appended",
			msg:       Message{Term: 2, Index: 3, LogTerm: 2, Entries: []Entry{{Index: 4, Term: 2}, {Index: 5, Term: 2}}},
			wantIndex: 5, wantLog: []uint64{1, 2, 2, 2, 2}, wantTerm: 2},
		{name: "5: commit follows the leader",
			msg:       Message{Term: 2, Index: 3, LogTerm: 2, Commit: 3},
			wantIndex: 3, wantLog: []uint64{1, 2, 2}, wantCommit: 3, wantTerm: 2},
		{name: "5: commit is capped at the last new entry",
			msg:       Message{Term: 2, Index: 1, LogTerm: 1, Commit: 3, Entries: []Entry{{Index: 2, Term: 2}}},
			wantIndex: 2, wantLog: []uint64{1, 2, 2}, wantCommit: 2, wantTerm: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newTestRaft(t, 1, []uint64{1, 2, 3}, HardState{Term: 2}, ents(1, 2, 2))
			m := tt.msg
			m.From, m.To, m.Type = 2, 1, MsgApp
			require.NoError(t, r.Step(m))
			msgs := takeMsgs(r)
			require.Len(t, msgs, 1)
			assert.Equal(t, MsgAppResp, msgs[0].Type)
			assert.Equal(t, tt.wantReject, msgs[0].Reject)
			assert.Equal(t, tt.wantTerm, msgs[0].Term)
			if !tt.wantReject && tt.msg.Term >= 2 {
				assert.Equal(t, tt.wantIndex, msgs[0].Index)
			}
			var terms []uint64
			for i := uint64(1); i <= r.log.lastIndex(); i++ {
				terms = append(terms, r.log.termOrZero(i))
			}
			assert.Equal(t, tt.wantLog, terms)
			assert.Equal(t, tt.wantCommit, r.log.committed)
		})
	}
}

// Figure 2, Rules for Servers: a higher term in any message converts to follower.
func TestFigure2HigherTermConvertsToFollower(t *testing.T) {
	for _, role := range []Role{RoleFollower, RoleCandidate, RoleLeader} {
		for _, mt := range []MessageType{MsgApp, MsgHeartbeat, MsgVote, MsgAppResp} {
			t.Run(role.String()+"/"+mt.String(), func(t *testing.T) {
				r := newTestRaft(t, 1, []uint64{1, 2, 3}, HardState{}, nil)
				switch role {
				case RoleCandidate:
					r.becomeCandidate()
				case RoleLeader:
					r.becomeCandidate()
					r.becomeLeader()
				}
				require.NoError(t, r.Step(Message{From: 2, To: 1, Type: mt, Term: 5}))
				assert.Equal(t, RoleFollower, r.state)
				assert.Equal(t, uint64(5), r.term)
				if mt == MsgApp || mt == MsgHeartbeat {
					assert.Equal(t, uint64(2), r.lead, "an append from the new term names the leader")
				}
			})
		}
	}
}

// Figure 2, Rules for Followers and Candidates: an election timeout without hearing from a leader
// starts an election (term+1, vote for self, RequestVote to all).
func TestFigure2TimeoutStartsElection(t *testing.T) {
	for _, role := range []Role{RoleFollower, RoleCandidate} {
		t.Run(role.String(), func(t *testing.T) {
			r := newTestRaft(t, 1, []uint64{1, 2, 3}, HardState{Term: 1}, nil)
			if role == RoleCandidate {
				r.becomeCandidate()
			}
			term := r.term
			for i := 0; i < 2*testElection; i++ {
				r.tick()
			}
			assert.Equal(t, RoleCandidate, r.state)
			assert.Greater(t, r.term, term)
			assert.Equal(t, uint64(1), r.vote)
			msgs := takeMsgs(r)
			var to []uint64
			for _, m := range msgs {
				if m.Term == r.term {
					assert.Equal(t, MsgVote, m.Type)
					to = append(to, m.To)
				}
			}
			assert.Equal(t, []uint64{2, 3}, to)
		})
	}
}

// Figure 2, Rules for Followers: a follower that keeps hearing from its leader never campaigns.
func TestFigure2HeartbeatsPreventElection(t *testing.T) {
	r := newTestRaft(t, 1, []uint64{1, 2, 3}, HardState{Term: 1}, nil)
	for i := 0; i < 10*testElection; i++ {
		r.tick()
		if i%testHeartbeat == 0 {
			require.NoError(t, r.Step(Message{From: 2, To: 1, Term: 1, Type: MsgHeartbeat}))
		}
	}
	assert.Equal(t, RoleFollower, r.state)
	assert.Equal(t, uint64(1), r.term)
}

// Figure 2, Rules for Candidates: AppendEntries from a leader of the same term converts to follower.
func TestFigure2CandidateAcceptsLeaderOfSameTerm(t *testing.T) {
	r := newTestRaft(t, 1, []uint64{1, 2, 3}, HardState{}, nil)
	r.becomeCandidate()
	require.NoError(t, r.Step(Message{From: 2, To: 1, Term: r.term, Type: MsgApp}))
	assert.Equal(t, RoleFollower, r.state)
	assert.Equal(t, uint64(2), r.lead)
}

// Figure 2, Rules for Leaders: heartbeats go to every peer each heartbeat interval.
func TestFigure2LeaderSendsHeartbeats(t *testing.T) {
	r := newTestRaft(t, 1, []uint64{1, 2, 3}, HardState{}, nil)
	r.becomeCandidate()
	r.becomeLeader()
	takeMsgs(r)
	r.tick()
	msgs := takeMsgs(r)
	require.Len(t, msgs, 2)
	for i, m := range msgs {
		assert.Equal(t, MsgHeartbeat, m.Type)
		assert.Equal(t, uint64(i+2), m.To)
	}
}

// Figure 2, Rules for Leaders: a rejected AppendEntries decrements nextIndex and retries; an
// accepted one advances matchIndex and, with a majority, the commit index.
func TestFigure2LeaderNextAndMatch(t *testing.T) {
	r := newTestRaft(t, 1, []uint64{1, 2, 3}, HardState{Term: 1}, ents(1, 1, 1))
	r.becomeCandidate()
	r.becomeLeader() // no-op at index 4, term 2
	takeMsgs(r)
	pr := r.prs[2]
	assert.Equal(t, uint64(4), pr.next)

	require.NoError(t, r.Step(Message{From: 2, To: 1, Term: 2, Type: MsgAppResp, Index: 3, Reject: true, RejectHint: 1, LogTerm: 1}))
	assert.Equal(t, uint64(2), pr.next, "next jumps back to after the follower's hint")
	msgs := takeMsgs(r)
	require.Len(t, msgs, 1)
	assert.Equal(t, uint64(1), msgs[0].Index, "the retry carries the entries after the hint")

	require.NoError(t, r.Step(Message{From: 2, To: 1, Term: 2, Type: MsgAppResp, Index: 4}))
	assert.Equal(t, uint64(4), pr.match)
	assert.Equal(t, ProgressReplicate, pr.state)
	assert.Equal(t, uint64(4), r.log.committed, "leader + node 2 are a majority for the term-2 no-op")
}
