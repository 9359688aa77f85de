package suite

import (
	"fmt"

	"github.com/raftlab/raftlab/core/raft"
	"github.com/raftlab/raftlab/netsim"
)

// readIndexKey is the register the read-index script writes and reads.
const readIndexKey = "/narrow/read"

// readIndexScript serves a quorum read on a new leader while its first-term entry is still on its
// way, with roles and timings drawn from the seed:
//
//	(a) a leader L1 with its log committed takes a write W; the moment L1 has committed W (and
//	    acknowledged it), before any follower learns that, L1 is cut off;
//	(b) one follower that holds W is pushed to campaign while every append is dropped (heartbeats
//	    pass): the new leader's no-op, and with it the news that W is committed, stays on its way;
//	(c) the moment a new leader L2 leads, it gets a quorum read of W's key; some 100-600 ms later
//	    appends flow again. Correct code holds the read until L2's no-op commits and answers W; a leader
//	    that serves a read index before committing an entry of its own term answers from its stale
//	    commit index, without W: a stale read.
func readIndexScript(sim *netsim.Sim, seed uint64, stop int64) fmt.Stringer {
	s := newScript(sim, seed, 0x72656164, stop, "read index")
	sim.At(between(s.rng, 1500*ms, 2500*ms), func() {
		call := s.do(0, netsim.Request{Kind: netsim.ReqSet, Key: readIndexKey, Value: "old"}, 2*second)
		if call == nil {
			return
		}
		s.when("the first write", 3*second, call.Done, func() { s.later(between(s.rng, 50*ms, 300*ms), func() { readIndexWrite(s) }) })
	})
	return s
}

// readIndexWrite (a): writes W on a settled leader and cuts it off the moment it commits W.
func readIndexWrite(s *script) {
	s.settledLeader(3*second, func(l1, term uint64) {
		w := s.lastIndex(l1) + 1
		s.act("(a) %s leads term %d: write W at index %d", s.name(l1), term, w)
		if s.do(l1, netsim.Request{Kind: netsim.ReqSet, Key: readIndexKey, Value: "new"}, 2*second) == nil {
			return
		}
		s.when("W committed", 2*second, func() bool {
			st, ok := s.status(l1)
			return ok && st.Commit >= w
		}, func() {
			s.sim.Net().Isolate(l1)
			var holders []uint64
			for _, id := range s.others(l1) {
				if st, ok := s.status(id); ok && s.lastIndex(id) >= w && st.Commit < w {
					holders = append(holders, id)
				}
			}
			s.act("(a) %s committed W: isolate it; followers holding W but not its commit: %d", s.name(l1), len(holders))
			if len(holders) == 0 {
				s.sim.Net().Heal()
				return
			}
			readIndexElect(s, s.pick(holders), l1, term)
		})
	})
}

// readIndexElect (b, c): elects a new leader (pushing l2) with every append dropped and reads from
// it at once.
func readIndexElect(s *script, l2, l1, term uint64) {
	s.sim.Net().Intercept(func(m *raft.Message) int64 {
		if m.Type == raft.MsgApp {
			return netsim.DropMessage
		}
		return 0
	})
	s.act("(b) drop every append; %s campaigns", s.name(l2))
	s.electAny("a new leader", l2, s.others(l1), term, between(s.rng, 0, 100*ms), 4*second, func(lead, t uint64) {
		st, _ := s.status(lead)
		s.act("(c) %s leads term %d with commit index %d: quorum read of %s", s.name(lead), t, st.Commit, readIndexKey)
		s.do(lead, netsim.Request{Kind: netsim.ReqQuorumGet, Key: readIndexKey}, 2*second)
		s.later(between(s.rng, 100*ms, 600*ms), func() {
			s.sim.Net().Intercept(nil)
			s.act("(c) appends flow again")
		})
	})
}
