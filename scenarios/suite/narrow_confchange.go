package suite

import (
	"fmt"

	"github.com/raftlab/raftlab/netsim"
)

// confChangeScript changes the membership on both sides of a partition, with roles and timings
// drawn from the seed:
//
//	(a) a leader L with its log committed is partitioned with one follower A from the other three;
//	    L is asked to remove one of the three (it cannot commit that);
//	(b) one of the three is pushed to campaign; once it leads, it is asked either to remove A or
//	    to add a new member n6 (started once the change is confirmed);
//	(c) 0.3-1.5 s later the partition heals: L's uncommitted change must be replaced by the
//	    majority's, and every member must end up with the same membership and key space.
func confChangeScript(sim *netsim.Sim, seed uint64, stop int64) fmt.Stringer {
	s := newScript(sim, seed, 0x636f6e66, stop, "conf change")
	sim.At(between(s.rng, 1500*ms, 2500*ms), func() {
		s.settledLeader(3*second, func(l, term uint64) {
			a := s.pick(s.others(l))
			rest := s.others(l, a)
			s.sim.Net().Partition([]uint64{l, a}, rest)
			victim := s.pick(rest)
			s.act("(a) %s leads term %d: partition {%s,%s} from the rest; remove %s on %s", s.name(l), term,
				s.name(l), s.name(a), s.name(victim), s.name(l))
			s.do(l, netsim.Request{Kind: netsim.ReqMemberRemove, MemberID: victim}, 2*second)
			push := s.pick(rest)
			s.later(between(s.rng, 10*ms, 300*ms), func() {
				s.act("(b) %s campaigns", s.name(push))
				s.electAny("a new leader", push, rest, term, 0, 4*second, func(lead, t uint64) { confChangeMajority(s, lead, t, a) })
			})
		})
	})
	return s
}

// confChangeMajority (b, c): changes the membership on the majority's leader, then heals.
func confChangeMajority(s *script, lead, term, a uint64) {
	if s.rng.IntN(2) == 0 {
		s.act("(b) %s leads term %d: remove %s", s.name(lead), term, s.name(a))
		s.do(lead, netsim.Request{Kind: netsim.ReqMemberRemove, MemberID: a}, 2*second)
	} else {
		s.act("(b) %s leads term %d: add n6", s.name(lead), term)
		if _, _, err := s.sim.AddMember("n6"); err != nil {
			s.act("(b) add n6 refused: %v", err)
		}
	}
	s.later(between(s.rng, 300*ms, 1500*ms), func() {
		s.sim.Net().Heal()
		s.act("(c) heal")
	})
}
