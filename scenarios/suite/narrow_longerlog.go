package suite

import (
	"fmt"

	"github.com/raftlab/raftlab/netsim"
)

// longerLogKey is the register the longer-stale-log script writes and reads.
const longerLogKey = "/narrow/longer"

// longerLogScript makes a node whose log is longer but older ask for votes (the election
// restriction of the Raft paper, §5.4.1: "up-to-date" compares the last terms first and the lengths
// only on a tie), with roles and timings drawn from the seed:
//
//	(a) a leader L1 with its log committed is cut off alone and takes a burst of writes it appends
//	    but can never commit;
//	(b) the other four elect a leader L2 of a later term, which commits a write V2: their logs end
//	    in a later term but are shorter than L1's;
//	(c) L2 is cut off, L1 rejoins the other three and is pushed to campaign again and again. Correct
//	    voters refuse it (their last term is later); one of them leads, and a quorum read on it sees
//	    V2. A vote that compares lengths first elects L1, which has no V2 and overwrites it.
func longerLogScript(sim *netsim.Sim, seed uint64, stop int64) fmt.Stringer {
	s := newScript(sim, seed, 0x6c6f6e676572, stop, "longer stale log")
	sim.At(between(s.rng, 1500*ms, 2500*ms), func() {
		s.settledLeader(3*second, func(l1, term uint64) {
			s.sim.Net().Isolate(l1)
			burst := 12 + s.rng.IntN(12)
			s.act("(a) %s leads term %d: cut it off alone and send it %d writes", s.name(l1), term, burst)
			for i := range burst {
				s.do(l1, netsim.Request{Kind: netsim.ReqSet, Key: fmt.Sprintf("%s-%d", longerLogKey, i%3), Value: "stale"}, second)
			}
			rest := s.others(l1)
			s.electAny("a leader among the other four", s.pick(rest), rest, term, between(s.rng, 0, 200*ms), 4*second,
				func(l2, t2 uint64) { longerLogSecondTerm(s, l1, l2, t2) })
		})
	})
	return s
}

// longerLogSecondTerm (b, c): L2 commits V2, is cut off, and L1 campaigns against the other three.
func longerLogSecondTerm(s *script, l1, l2, t2 uint64) {
	s.act("(b) %s leads term %d: write V2", s.name(l2), t2)
	v2 := s.do(l2, netsim.Request{Kind: netsim.ReqSet, Key: longerLogKey, Value: "v2"}, 2*second)
	if v2 == nil {
		return
	}
	s.when("V2 acknowledged", 3*second, v2.Done, func() {
		three := s.others(l1, l2)
		longest := uint64(0)
		for _, id := range three {
			longest = max(longest, s.lastIndex(id))
		}
		s.sim.Net().Heal()
		s.sim.Net().Isolate(l2)
		shape := "longer than"
		if s.lastIndex(l1) <= longest {
			shape = "not longer than"
		}
		s.act("(c) cut %s off, let %s (log to %d, %s the others' %d) campaign against the other three",
			s.name(l2), s.name(l1), s.lastIndex(l1), shape, longest)
		voters := append([]uint64{l1}, three...)
		s.electAny("a leader of the four", l1, voters, t2, 0, 5*second, func(l3, t3 uint64) {
			s.act("(d) %s leads term %d: quorum read of %s", s.name(l3), t3, longerLogKey)
			s.do(l3, netsim.Request{Kind: netsim.ReqQuorumGet, Key: longerLogKey}, second)
		})
	})
}
