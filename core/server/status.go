package server

import (
	"strconv"
	"sync/atomic"

	"github.com/raftlab/raftlab/core/node"
)

// publishStatus refreshes the status the HTTP goroutines read. It runs after every loop step, so it
// takes the node's cheap Brief and rebuilds the member list only when the membership changed.
func (l *loop) publishStatus() node.Status {
	s := l.s
	b := s.node.Brief()
	var st node.Status
	l.membersChanged = !l.haveFull || b.MembershipVersion != l.membership
	if l.membersChanged {
		st = s.node.Status()
		l.membership, l.haveFull = b.MembershipVersion, true
	} else if cur := s.status.Load(); unchanged(cur, b) {
		// Nothing but the indexes moved (most drains under load): they are published apart, in
		// place, rather than in a new copy of the whole status at every step.
		s.progress.store(b)
		l.publishStore()
		st = *cur
		s.progress.fill(&st)
		return st
	} else {
		st = *cur
		st.Term, st.Vote, st.Lead, st.Role = b.Term, b.Vote, b.Lead, b.Role
		st.Commit, st.Applied, st.EtcdIndex = b.Commit, b.Applied, b.EtcdIndex
		st.Removed, st.Failed, st.Ready = b.Removed, b.Failed, b.Ready
	}
	if st.Lead != l.lead {
		if st.Lead != 0 {
			s.leaderChanges.Add(1)
			s.stats.leaderChanged(st.Lead)
			s.log.Info("leader changed", "leader", strconv.FormatUint(st.Lead, 16), "term", st.Term)
		}
		l.lead = st.Lead
	}
	s.progress.store(b)
	published := new(node.Status) // a copy: st itself stays on the stack on the frequent paths
	*published = st
	s.status.Store(published)
	l.publishStore()
	return st
}

// statusProgress is the part of the published status that moves at nearly every step: the commit
// and applied indexes and the store's index. The loop stores them before the rest of a status
// and before any reply, so a reader that loads the status first and these after sees indexes at
// least as new as the status and as any answer it got.
type statusProgress struct {
	commit, applied, etcdIndex atomic.Uint64
}

// store publishes b's indexes.
func (p *statusProgress) store(b node.Brief) {
	p.commit.Store(b.Commit)
	p.applied.Store(b.Applied)
	p.etcdIndex.Store(b.EtcdIndex)
}

// fill sets st's indexes to the published ones.
func (p *statusProgress) fill(st *node.Status) {
	st.Commit, st.Applied, st.EtcdIndex = p.commit.Load(), p.applied.Load(), p.etcdIndex.Load()
}

// publishStore publishes the node's store when it is no longer the one published.
func (l *loop) publishStore() {
	if cur := l.s.node.Store(); cur != l.s.store.Load() {
		l.s.store.Store(cur)
	}
}

// unchanged reports whether the brief b shows nothing the published status cur does not (a failure
// counts as a change unless both are nil: errors are compared by nothing else here).
func unchanged(cur *node.Status, b node.Brief) bool {
	return cur.Term == b.Term && cur.Vote == b.Vote && cur.Lead == b.Lead && cur.Role == b.Role &&
		cur.Removed == b.Removed && cur.Failed == nil && b.Failed == nil && cur.Ready == b.Ready
}
