package suite

import (
	"fmt"

	"github.com/raftlab/raftlab/core/faultpoint"
	"github.com/raftlab/raftlab/netsim"
)

// truncateScript crashes a follower right after it truncates its log on a conflict, with roles and
// timings drawn from the seed:
//
//	(a) a leader L1 with its log committed is partitioned with one follower F from the other
//	    three and takes one to three writes: L1 and F hold them, uncommitted;
//	(b) one of the three (L2) is pushed to campaign; once it leads it takes a write;
//	(c) F is moved to L2's side: L2's appends conflict with F's entries from L1, and F replaces
//	    them. F crashes at once: half the seeds the moment its in-memory log changed (before the
//	    truncation is durable), the others at the fault point right after the truncating batch
//	    is durable and before its acknowledgement (node/after-truncate, armed by the suite). F
//	    restarts 50-500 ms later and must come back with a log that agrees with L2's.
func truncateScript(sim *netsim.Sim, seed uint64, stop int64) fmt.Stringer {
	return truncateScriptOf(truncateShape{minWrites: 1, maxWrites: 3, inMemoryCrash: true})(sim, seed, stop)
}

// truncateShape is what a truncate script draws from: how many writes L1 and F hold, and whether
// F may also crash before its truncation is durable (half the seeds) or only at the fault point.
type truncateShape struct {
	minWrites, maxWrites int
	inMemoryCrash        bool
}

// truncateScriptOf is the truncate script of one shape.
func truncateScriptOf(shape truncateShape) func(sim *netsim.Sim, seed uint64, stop int64) fmt.Stringer {
	return func(sim *netsim.Sim, seed uint64, stop int64) fmt.Stringer {
		return runTruncate(sim, seed, stop, shape)
	}
}

func runTruncate(sim *netsim.Sim, seed uint64, stop int64, shape truncateShape) fmt.Stringer {
	s := newScript(sim, seed, 0x7472756e63, stop, "truncate")
	sim.At(between(s.rng, 1500*ms, 2500*ms), func() {
		s.settledLeader(3*second, func(l1, term uint64) {
			f := s.pick(s.others(l1))
			rest := s.others(l1, f)
			s.sim.Net().Partition([]uint64{l1, f}, rest)
			writes := shape.minWrites + s.rng.IntN(shape.maxWrites-shape.minWrites+1)
			s.act("(a) %s leads term %d: partition {%s,%s} from the rest; %d writes on %s", s.name(l1), term,
				s.name(l1), s.name(f), writes, s.name(l1))
			for i := range writes {
				s.do(l1, netsim.Request{Kind: netsim.ReqSet, Key: "/narrow/truncate", Value: fmt.Sprintf("old%d", i)}, 2*second)
			}
			held := s.lastIndex(l1) + uint64(writes)
			s.when(s.name(f)+" to hold the writes", second, func() bool { return s.lastIndex(f) >= held }, func() {
				l2 := s.pick(rest)
				s.act("(b) %s holds entries up to %d; %s campaigns", s.name(f), held, s.name(l2))
				s.electAny("a new leader", l2, rest, term, between(s.rng, 0, 100*ms), 4*second, func(lead, t uint64) {
					truncateMove(s, l1, f, lead, t, held, shape.inMemoryCrash)
				})
			})
		})
	})
	return s
}

// truncateMove (b, c): writes on the new leader, moves F to its side and crashes F when it truncates.
func truncateMove(s *script, l1, f, lead, term, held uint64, inMemoryCrash bool) {
	s.act("(b) %s leads term %d: write on it; move %s to its side", s.name(lead), term, s.name(f))
	s.do(lead, netsim.Request{Kind: netsim.ReqSet, Key: "/narrow/truncate", Value: "new"}, 2*second)
	s.sim.Net().Heal()
	s.sim.Net().Isolate(l1)
	if !inMemoryCrash || s.rng.IntN(2) == 0 {
		s.act("(c) %s will crash at fault point %s", s.name(f), faultpoint.NodeAfterTruncate)
		return
	}
	s.when(s.name(f)+" to truncate", 2*second, func() bool {
		for _, e := range s.sim.Log(f) {
			if e.Index <= held && e.Term >= term {
				return true
			}
		}
		return false
	}, func() {
		if err := s.sim.Crash(f); err != nil {
			s.act("(c) crash %s: %v", s.name(f), err)
			return
		}
		s.act("(c) %s replaced entries in memory: crash it", s.name(f))
		s.later(between(s.rng, 50*ms, 500*ms), func() {
			err := s.sim.Restart(f)
			s.act("(c) restart %s: %v", s.name(f), err)
		})
	})
}
