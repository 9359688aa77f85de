package suite

import (
	"fmt"

	"github.com/raftlab/raftlab/core/raft"
	"github.com/raftlab/raftlab/netsim"
)

// snapshotScript races a snapshot install with log appends, with roles and timings drawn from the
// seed (the suite snapshots every 16 entries and keeps 4):
//
//	(a) a follower F is cut off while clients write, until the leader L has compacted its log past
//	    F's last entry: F can only catch up from a snapshot;
//	(b) F is reconnected, and every snapshot L sends it is held back 5-60 ms, so that the appends
//	    L sends meanwhile (to probe F, and new entries) may reach F before the snapshot does; half
//	    the seeds crash F 0-5 ms after it installed the snapshot, and restart it 50-500 ms later;
//	(c) clients keep writing: F must end with the same log and key space as the others.
func snapshotScript(sim *netsim.Sim, seed uint64, stop int64) fmt.Stringer {
	s := newScript(sim, seed, 0x736e6170, stop, "snapshot")
	sim.At(between(s.rng, 1000*ms, 2000*ms), func() {
		s.settledLeader(3*second, func(l, term uint64) {
			f := s.pick(s.others(l))
			s.sim.Net().Isolate(f)
			s.act("(a) %s leads term %d: isolate %s (last index %d)", s.name(l), term, s.name(f), s.lastIndex(f))
			s.when("the leader to compact past "+s.name(f), 4*second, func() bool {
				lead, _ := s.sim.Leader()
				log := s.sim.Log(lead)
				return lead != 0 && len(log) > 0 && log[0].Index > s.lastIndex(f)+1
			}, func() { snapshotReconnect(s, f) })
		})
	})
	return s
}

// snapshotReconnect (b): reconnects f with its snapshots held back, and maybe crashes it after it
// installs one.
func snapshotReconnect(s *script, f uint64) {
	lead, _ := s.sim.Leader()
	hold := between(s.rng, 5*ms, 60*ms)
	s.sim.Net().Intercept(func(m *raft.Message) int64 {
		if m.To == f && m.Type == raft.MsgSnap {
			return hold
		}
		return 0
	})
	s.sim.Net().Heal()
	from := s.lastIndex(f)
	s.act("(b) %s's log starts at %d, %s's ends at %d: reconnect %s, its snapshots held back %s", s.name(lead),
		s.sim.Log(lead)[0].Index, s.name(f), from, s.name(f), durationText(hold))
	if s.rng.IntN(2) == 0 {
		return
	}
	s.when(s.name(f)+" to install a snapshot", 3*second, func() bool {
		st, ok := s.status(f)
		return ok && st.Applied > from+1
	}, func() {
		s.later(between(s.rng, 0, 5*ms), func() {
			if err := s.sim.Crash(f); err != nil {
				return
			}
			s.act("(b) %s installed a snapshot: crash it", s.name(f))
			s.later(between(s.rng, 50*ms, 500*ms), func() {
				err := s.sim.Restart(f)
				s.act("(b) restart %s: %v", s.name(f), err)
			})
		})
	})
}
