package suite

import (
	"fmt"

	"github.com/raftlab/raftlab/core/raft"
	"github.com/raftlab/raftlab/netsim"
	"github.com/raftlab/raftlab/netsim/nodehost"
)

// transferScript races a leadership transfer with proposals, with roles and timings drawn from the
// seed:
//
//	(a) a leader L with its log committed; a follower T is made to lag (L's appends to it wait
//	    20-150 ms) and L takes two to four writes in quick succession;
//	(b) the moment L holds a proposal it has not committed, it is asked to hand leadership to T:
//	    it must stop taking proposals, catch T up, then tell it to campaign;
//	(c) once a new leader leads, it takes a write; T's appends flow normally again.
func transferScript(sim *netsim.Sim, seed uint64, stop int64) fmt.Stringer {
	s := newScript(sim, seed, 0x7472616e73666572, stop, "transfer")
	sim.At(between(s.rng, 1500*ms, 2500*ms), func() {
		s.settledLeader(3*second, func(l, term uint64) {
			t := s.pick(s.others(l))
			lag := between(s.rng, 20*ms, 150*ms)
			s.sim.Net().Intercept(func(m *raft.Message) int64 {
				if m.From == l && m.To == t && m.Type == raft.MsgApp {
					return lag
				}
				return 0
			})
			writes := 2 + s.rng.IntN(3)
			s.act("(a) %s leads term %d; %s lags by %s; %d writes on %s", s.name(l), term, s.name(t), durationText(lag), writes, s.name(l))
			for i := range writes {
				s.later(int64(i)*between(s.rng, 0, 3*ms), func() {
					s.do(l, netsim.Request{Kind: netsim.ReqSet, Key: "/narrow/transfer", Value: fmt.Sprintf("w%d", i)}, 2*second)
				})
			}
			s.when("an uncommitted proposal on the leader", second, func() bool {
				st, ok := s.status(l)
				return ok && s.lastIndex(l) > st.Commit
			}, func() {
				s.later(between(s.rng, 0, 5*ms), func() {
					st, _ := s.status(l)
					s.act("(b) %s holds entries up to %d, commit %d: transfer leadership to %s", s.name(l), s.lastIndex(l), st.Commit, s.name(t))
					_ = nodehost.TransferLeadership(s.sim, l, t)
					s.do(l, netsim.Request{Kind: netsim.ReqSet, Key: "/narrow/transfer", Value: "during"}, 2*second)
					transferDone(s, l, t, term)
				})
			})
		})
	})
	return s
}

// transferDone (c): waits for the new leader, writes on it and lets T's appends flow.
func transferDone(s *script, l, t, term uint64) {
	var lead, lterm uint64
	s.when("a new leader", 3*second, func() bool {
		for _, id := range s.sim.Nodes() {
			if st, ok := s.status(id); ok && st.Role == raft.RoleLeader && st.Term > term {
				lead, lterm = id, st.Term
				return true
			}
		}
		return false
	}, func() {
		s.act("(c) %s leads term %d (transfer to %s): write on it", s.name(lead), lterm, s.name(t))
		s.do(lead, netsim.Request{Kind: netsim.ReqSet, Key: "/narrow/transfer", Value: "after"}, 2*second)
		s.later(300*ms, func() { s.sim.Net().Intercept(nil) })
	})
}
