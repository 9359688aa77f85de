package suite

import (
	"fmt"

	"github.com/raftlab/raftlab/core/raft"
	"github.com/raftlab/raftlab/netsim"
)

// staleLeaderScript makes a deposed leader's append arrive after a new term began, with roles and
// timings drawn from the seed:
//
//	(a) a leader L1 with its log committed is cut off from everyone but one follower F, and every
//	    append it sends F is parked; L1 takes a write W1 (its append to F is parked);
//	(b) another follower L2 is pushed to campaign and wins with the other followers; it takes a
//	    write W2;
//	(c) the moment F holds an entry of L2's term (0-8 ms later), L1's parked appends are sent on:
//	    they reach F, which follows L2 in a later term, while it may not know yet that L2's entries
//	    are committed. Correct code refuses an append from an older term; a follower that takes
//	    it replaces the entries it acknowledged to L2 with L1's.
func staleLeaderScript(sim *netsim.Sim, seed uint64, stop int64) fmt.Stringer {
	s := newScript(sim, seed, 0x7374616c65, stop, "stale leader")
	sim.At(between(s.rng, 1500*ms, 2500*ms), func() {
		s.settledLeader(3*second, func(l1, term uint64) {
			followers := s.others(l1)
			f := s.pick(followers)
			s.sim.Net().Intercept(func(m *raft.Message) int64 {
				if m.From == l1 && m.To == f && m.Type == raft.MsgApp {
					return netsim.HoldMessage
				}
				return 0
			})
			var rest []uint64
			for _, id := range followers {
				if id != f {
					rest = append(rest, id)
					s.sim.Net().Cut(netsim.Link{From: l1, To: id})
					s.sim.Net().Cut(netsim.Link{From: id, To: l1})
				}
			}
			s.act("(a) %s leads term %d: cut it off from all but %s, whose appends are parked; write W1 on %s",
				s.name(l1), term, s.name(f), s.name(l1))
			s.do(l1, netsim.Request{Kind: netsim.ReqSet, Key: "/narrow/stale", Value: "w1"}, 2*second)
			l2 := s.pick(rest)
			s.later(between(s.rng, 10*ms, 200*ms), func() { staleLeaderElect(s, l1, l2, f, term, rest) })
		})
	})
	return s
}

// staleLeaderElect (b, c): elects l2 among rest, writes W2 on it, and sends the parked appends on
// once f holds an entry of the new term.
func staleLeaderElect(s *script, l1, l2, f, term uint64, rest []uint64) {
	s.act("(b) %s campaigns", s.name(l2))
	s.electAny("a new leader", l2, rest, term, 0, 3*second, func(lead, t uint64) {
		s.act("(b) %s leads term %d: write W2 on it", s.name(lead), t)
		s.do(lead, netsim.Request{Kind: netsim.ReqSet, Key: "/narrow/stale", Value: "w2"}, 2*second)
		s.when(s.name(f)+" to hold an entry of term "+fmt.Sprint(t), 2*second, func() bool {
			log := s.sim.Log(f)
			return len(log) > 0 && log[len(log)-1].Term == t
		}, func() {
			s.later(between(s.rng, 0, 8*ms), func() {
				st, _ := s.status(f)
				s.sim.Net().Intercept(nil)
				n := s.sim.Net().ReleaseHeld()
				s.act("(c) %s holds entries of term %d (commit %d): send %s's %d parked appends on", s.name(f), t,
					st.Commit, s.name(l1), n)
			})
		})
	})
}
