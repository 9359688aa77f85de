package suite

import (
	"fmt"

	"github.com/raftlab/raftlab/core/faultpoint"
	"github.com/raftlab/raftlab/netsim"
)

// roomKey prefixes the keys of the torn-room script's burst.
const roomKey = "/room"

// roomRoundTime is the time a round of the torn-room script is given: a new round starts only
// when that much is left.
const roomRoundTime = 4 * second

// roomStep is the room step of the torn-room suite's WALs: eight sectors, so that the room is
// extended every few batches and a torn batch can end inside it or run past it.
const roomStep = 4 << 10

// roomTornSuite runs the WALs with room (zeros kept written ahead of the last segment's records,
// as on a real disk) on a disk that tears unsynced writes, and crashes a follower or the leader
// twice: once while a batch is written over the room but not synced, and again at one of its first
// fsyncs after it recovered from that torn tail, when the records it wrote since may cover only
// part of what the first crash left.
func roomTornSuite() Suite {
	s := narrow("narrow-torn-room", "a follower or leader whose WAL keeps room crashes while a batch is written "+
		"but not synced, on a disk that tears unsynced writes, and crashes again soon after it recovered", roomTornScript)
	s.Node.TornWrites, s.Node.WALRoom = true, roomStep
	// Power failures as well: every node crashes at once, with whatever it has not synced.
	s.Faults = combine(s.Faults, powerFailures(2*second, 4*second, 300*ms, 2*second, s.Duration))
	// wal/before-sync is armed to fire nowhere until the script arms it on its follower.
	s.FaultPoints = []netsim.ArmedPoint{{Point: faultpoint.WALBeforeSync, Action: faultpoint.Pass}}
	return s
}

// roomTornScript tears a node's write into its WAL's room, in rounds, with roles and timings drawn
// from the seed. Each round, with a leader L settled:
//
//	(a) either (half the rounds) a follower F is cut off and L commits a burst of writes on the
//	    other members, or L itself is sent a burst of writes and is the victim V;
//	(b) V crashes at its next fsync (wal/before-sync, armed for V alone): F's catch-up batch, or
//	    L's batch of proposals, is written over the room, not synced, and the disk keeps any subset
//	    of its sectors, so the torn tail may be zeros, or records and parts of records behind a
//	    sector that never reached the disk. V restarts and must cut the torn tail;
//	(c) once V is up, wal/before-sync is armed again for V to crash at one of its next fsyncs (one
//	    in 1-3): the batches V synced since its recovery are durable and may be shorter than the
//	    torn tail was (a deposed leader's are: the new leader's log lacks its burst); its next
//	    recovery must find them followed by room or a new torn tail only.
//
// Once V is back from that crash, another round starts if roomRoundTime is left. Power failures
// (every node crashing at once, every 2-4 s) run beside the rounds.
func roomTornScript(sim *netsim.Sim, seed uint64, stop int64) fmt.Stringer {
	s := newScript(sim, seed, 0x726f6f6d, stop, "torn room")
	sim.At(between(s.rng, 1500*ms, 2500*ms), func() { roomTornRound(s) })
	return s
}

// roomTornRound runs (a) to (c) once, and again after it while the script has time.
func roomTornRound(s *script) {
	s.settledLeader(3*second, func(l, term uint64) {
		burst := 8 + s.rng.IntN(24)
		if s.rng.IntN(2) == 0 {
			roomTornLeader(s, l, term, burst)
			return
		}
		f := s.pick(s.others(l))
		s.sim.Net().Isolate(f)
		s.act("(a) %s leads term %d: cut %s off and write %d keys", s.name(l), term, s.name(f), burst)
		last := s.burst(roomKey, l, burst)
		if last == nil {
			return
		}
		s.when("the burst acknowledged", 3*second, last.Done, func() {
			if !s.armCrash(netsim.ArmedPoint{Point: faultpoint.WALBeforeSync, Action: faultpoint.Crash, Max: 1, Node: f}) {
				return
			}
			s.sim.Net().Heal()
			s.act("(b) reconnect %s; it crashes at its next fsync, its catch-up batch written", s.name(f))
			roomTornAgain(s, f)
		})
	})
}

// roomTornLeader (a, b) with the leader as the victim: L crashes at the fsync of the batch that
// holds a burst of proposals, written over its room; the others elect a leader whose log lacks
// them, so L's first batches after its recovery are short.
func roomTornLeader(s *script, l, term uint64, burst int) {
	if !s.armCrash(netsim.ArmedPoint{Point: faultpoint.WALBeforeSync, Action: faultpoint.Crash, Max: 1, Node: l}) {
		return
	}
	s.act("(a) %s leads term %d: write %d keys at once; it crashes at the fsync of their batch", s.name(l), term, burst)
	s.burst(roomKey, l, burst)
	roomTornAgain(s, l)
}

// roomTornAgain (c): once node id crashed at its fsync and restarted, arms a second crash at one
// of its next fsyncs.
func roomTornAgain(s *script, id uint64) {
	up := func() bool { _, ok := s.status(id); return ok }
	s.when(s.name(id)+" to crash at its fsync", 3*second, func() bool { return !up() }, func() {
		s.when(s.name(id)+" to restart", 3*second, up, func() {
			oneIn := 1 + s.rng.IntN(3)
			if s.armCrash(netsim.ArmedPoint{Point: faultpoint.WALBeforeSync, Action: faultpoint.Crash, OneIn: oneIn,
				Max: 1, Node: id}) {
				s.act("(c) %s recovered; it crashes again at one of its next fsyncs (1 in %d)", s.name(id), oneIn)
				roomTornNext(s, id)
			}
		})
	})
}

// roomTornNext starts another round once node id crashed again and restarted, if at least
// roomRoundTime is left before the script's end.
func roomTornNext(s *script, id uint64) {
	if s.sim.Now()+roomRoundTime > s.stop {
		return
	}
	up := func() bool { _, ok := s.status(id); return ok }
	s.when(s.name(id)+" to crash again", 3*second, func() bool { return !up() }, func() {
		s.when(s.name(id)+" to restart again", 3*second, up, func() {
			s.later(between(s.rng, 100*ms, 500*ms), func() { roomTornRound(s) })
		})
	})
}
