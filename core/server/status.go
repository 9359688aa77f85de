package server

import (
	"strconv"

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
		// Nothing the status shows moved (most drains under load only took a request): keep the
		// published one rather than allocate an equal copy.
		l.publishStore()
		return *cur
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
	s.status.Store(&st)
	l.publishStore()
	return st
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
		cur.Commit == b.Commit && cur.Applied == b.Applied && cur.EtcdIndex == b.EtcdIndex &&
		cur.Removed == b.Removed && cur.Failed == nil && b.Failed == nil && cur.Ready == b.Ready
}
