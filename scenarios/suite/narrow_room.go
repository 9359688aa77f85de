package suite

import (
	"fmt"

	"github.com/raftlab/raftlab/core/faultpoint"
	"github.com/raftlab/raftlab/netsim"
)

// roomKey prefixes the keys of the torn-room script's burst.
const roomKey = "/room"

// roomStep is the room step of the torn-room suite's WALs: eight sectors, so that the room is
// extended every few batches and a torn batch can end inside it or run past it.
const roomStep = 4 << 10

// roomTornSuite runs the WALs with room (zeros kept written ahead of the last segment's records,
// as on a real disk) on a disk that tears unsynced writes, and crashes a follower twice: once
// while its catch-up batch is written over the room but not synced, and again at one of its first
// fsyncs after it recovered from that torn tail, when the records it wrote since cover only part
// of what the first crash left.
func roomTornSuite() Suite {
	s := narrow("narrow-torn-room", "a follower whose WAL keeps room crashes while its catch-up batch is written "+
		"but not synced, on a disk that tears unsynced writes, and crashes again soon after it recovered", roomTornScript)
	s.Node.TornWrites, s.Node.WALRoom = true, roomStep
	// wal/before-sync is armed to fire nowhere until the script arms it on its follower.
	s.FaultPoints = []netsim.ArmedPoint{{Point: faultpoint.WALBeforeSync, Action: faultpoint.Pass}}
	return s
}

// roomTornScript tears a follower's write into its WAL's room, with roles and timings drawn from
// the seed:
//
//	(a) a leader L with its log committed; a follower F is cut off and L commits a burst of writes
//	    on the other members;
//	(b) F is reconnected and crashes at its next fsync (wal/before-sync, armed for F alone): the
//	    catch-up batch is written over the room, not synced, and the disk keeps a prefix or any
//	    subset of its sectors, so the torn tail may be a partial record, zeros, or whole records
//	    behind a sector that never reached the disk. F restarts and cuts the torn tail;
//	(c) once F is up, wal/before-sync is armed again for F to crash at one of its next fsyncs (one
//	    in 1-3): the batches F synced since its recovery are durable and may be shorter than the
//	    torn tail was; its next recovery must find them followed by room or a new torn tail only.
func roomTornScript(sim *netsim.Sim, seed uint64, stop int64) fmt.Stringer {
	s := newScript(sim, seed, 0x726f6f6d, stop, "torn room")
	sim.At(between(s.rng, 1500*ms, 2500*ms), func() {
		s.settledLeader(3*second, func(l, term uint64) {
			f := s.pick(s.others(l))
			s.sim.Net().Isolate(f)
			burst := 8 + s.rng.IntN(24)
			s.act("(a) %s leads term %d: cut %s off and write %d keys", s.name(l), term, s.name(f), burst)
			var last *netsim.Call
			for i := range burst {
				last = s.do(l, netsim.Request{Kind: netsim.ReqSet, Key: fmt.Sprintf("%s-%d", roomKey, i),
					Value: fmt.Sprintf("v%d", i)}, 2*second)
			}
			if last == nil {
				return
			}
			s.when("the burst acknowledged", 3*second, last.Done, func() { roomTornCrash(s, f) })
		})
	})
	return s
}

// roomTornCrash (b, c): arms a crash at F's next fsync, reconnects F, and once F is back arms a
// second crash at one of its next fsyncs.
func roomTornCrash(s *script, f uint64) {
	if !s.armCrash(netsim.ArmedPoint{Point: faultpoint.WALBeforeSync, Action: faultpoint.Crash, Max: 1, Node: f}) {
		return
	}
	s.sim.Net().Heal()
	s.act("(b) reconnect %s; it crashes at its next fsync, its catch-up batch written", s.name(f))
	up := func() bool { _, ok := s.status(f); return ok }
	s.when(s.name(f)+" to crash at its fsync", 3*second, func() bool { return !up() }, func() {
		s.when(s.name(f)+" to restart", 3*second, up, func() {
			oneIn := 1 + s.rng.IntN(3)
			if s.armCrash(netsim.ArmedPoint{Point: faultpoint.WALBeforeSync, Action: faultpoint.Crash, OneIn: oneIn,
				Max: 1, Node: f}) {
				s.act("(c) %s recovered; it crashes again at one of its next fsyncs (1 in %d)", s.name(f), oneIn)
			}
		})
	})
}

// armCrash arms a fault point, noting the error when the run cannot.
func (s *script) armCrash(a netsim.ArmedPoint) bool {
	if err := s.sim.ArmFaultPoint(a); err != nil {
		s.act("%v", err)
		return false
	}
	return true
}
