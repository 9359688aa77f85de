package suite

import (
	"fmt"

	"github.com/raftlab/raftlab/core/faultpoint"
	"github.com/raftlab/raftlab/netsim"
)

// catchUpKey is the key the catch-up script writes while its follower is cut off.
const catchUpKey = "/narrow/catchup"

// catchUpTornScript crashes a follower while the batch that catches it up is written but not yet
// synced, on a disk that tears unsynced writes, with roles and timings drawn from the seed:
//
//	(a) a leader L with its log committed; a follower F is cut off and L commits a burst of writes
//	    on the other members;
//	(b) F is reconnected; the append that catches it up brings the entries and a commit index that
//	    covers them, so F's batch holds both its new entries and a hard state committing them;
//	(c) F crashes at its next fsync (wal/before-sync, armed for F alone at the reconnection): the
//	    catch-up batch is written, not synced, and the disk keeps a prefix or any subset of its
//	    sectors. F restarts after a while and must recover a log and a hard state that agree: a WAL
//	    that writes the hard state ahead of the entries it commits leaves a commit index past the last
//	    entry, and F cannot restart.
func catchUpTornScript(sim *netsim.Sim, seed uint64, stop int64) fmt.Stringer {
	s := newScript(sim, seed, 0x6361746368, stop, "torn catch-up")
	sim.At(between(s.rng, 1500*ms, 2500*ms), func() {
		s.settledLeader(3*second, func(l, term uint64) {
			f := s.pick(s.others(l))
			s.sim.Net().Isolate(f)
			burst := 6 + s.rng.IntN(14)
			s.act("(a) %s leads term %d: cut %s off and write %d keys", s.name(l), term, s.name(f), burst)
			last := s.burst(catchUpKey, l, burst)
			if last == nil {
				return
			}
			s.when("the burst acknowledged", 3*second, last.Done, func() { catchUpTornCrash(s, l, f) })
		})
	})
	return s
}

// catchUpTornCrash (b, c): arms a crash at F's next fsync and reconnects F.
func catchUpTornCrash(s *script, l, f uint64) {
	target, _ := s.status(l)
	if !s.armCrash(netsim.ArmedPoint{Point: faultpoint.WALBeforeSync, Action: faultpoint.Crash, Max: 1, Node: f}) {
		return
	}
	s.sim.Net().Heal()
	s.act("(b) reconnect %s (commit %d, the leader's %d); it crashes at its next fsync, its batch written", s.name(f),
		commitOf(s, f), target.Commit)
	s.when(s.name(f)+" to take the catch-up append", 3*second, func() bool {
		return commitOf(s, f) >= target.Commit
	}, func() {
		s.act("(c) %s moved its commit index to %d", s.name(f), commitOf(s, f))
	})
}

// commitOf is node id's commit index (0 while it is down).
func commitOf(s *script, id uint64) uint64 {
	st, _ := s.status(id)
	return st.Commit
}
