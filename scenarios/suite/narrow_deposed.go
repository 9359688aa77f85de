package suite

import (
	"fmt"

	"github.com/raftlab/raftlab/netsim"
)

// deposedReadKey is the register the deposed-leader script writes and reads.
const deposedReadKey = "/narrow/deposed"

// deposedReadScript asks a deposed leader for quorum reads, with roles and timings drawn from the
// seed:
//
//	(a) a leader L1 with its log committed writes V1 and, once V1 is acknowledged, is cut off with
//	    one follower F from the other three members;
//	(b) one of the three is pushed to campaign at once and, leading a later term, takes a write V2;
//	(c) the moment V2 is acknowledged — long before check-quorum makes L1 step down — L1 and F get
//	    quorum reads of the key. Correct code confirms a read index with a majority of heartbeat
//	    answers: L1 has only F's, and the reads wait until they time out. A leader that counts one
//	    answer fewer serves V1 after V2 was acknowledged: a stale read.
func deposedReadScript(sim *netsim.Sim, seed uint64, stop int64) fmt.Stringer {
	s := newScript(sim, seed, 0x6465706f736564, stop, "deposed leader reads")
	sim.At(between(s.rng, 1500*ms, 2500*ms), func() {
		s.settledLeader(3*second, func(l1, term uint64) {
			v1 := s.do(l1, netsim.Request{Kind: netsim.ReqSet, Key: deposedReadKey, Value: "v1"}, 2*second)
			if v1 == nil {
				return
			}
			s.when("V1 acknowledged", 3*second, v1.Done, func() { deposedReadCut(s, l1, term) })
		})
	})
	return s
}

// deposedReadCut (a, b): cuts L1 and one follower off and elects a leader among the other three.
func deposedReadCut(s *script, l1, term uint64) {
	f := s.pick(s.others(l1))
	rest := s.others(l1, f)
	s.sim.Net().Partition([]uint64{l1, f}, rest)
	s.act("(a) %s leads term %d and wrote V1: cut it and %s off from the other three", s.name(l1), term, s.name(f))
	s.electAny("a leader among the three", s.pick(rest), rest, term, between(s.rng, 0, 200*ms), 4*second, func(l2, t uint64) {
		s.act("(b) %s leads term %d: write V2", s.name(l2), t)
		v2 := s.do(l2, netsim.Request{Kind: netsim.ReqSet, Key: deposedReadKey, Value: "v2"}, 2*second)
		if v2 == nil {
			return
		}
		s.when("V2 acknowledged", 3*second, v2.Done, func() {
			s.act("(c) quorum reads of %s on %s (still leading term %d) and on %s", deposedReadKey, s.name(l1), term, s.name(f))
			s.do(l1, netsim.Request{Kind: netsim.ReqQuorumGet, Key: deposedReadKey}, second)
			s.do(f, netsim.Request{Kind: netsim.ReqQuorumGet, Key: deposedReadKey}, second)
			s.later(between(s.rng, 20*ms, 200*ms), func() {
				s.do(l1, netsim.Request{Kind: netsim.ReqQuorumGet, Key: deposedReadKey}, second)
			})
		})
	})
}
