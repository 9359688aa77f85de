package suite

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/raftlab/raftlab/core/raft"
	"github.com/raftlab/raftlab/netsim"
	"github.com/raftlab/raftlab/netsim/nodehost"
)

// scriptPoll is how often a script looks at the nodes while it waits for a step. It stays below
// the links' minimum latency in the scripted suites, so that a cut made on seeing a new leader or a
// new commit still catches the messages that leader has just sent (cuts drop messages in flight).
const scriptPoll = 1 * ms

// scriptLink keeps every message at least 5ms on the wire (see scriptPoll).
var scriptLink = netsim.LinkConfig{Latency: netsim.Latency{Min: 5 * ms, Spread: 10 * ms}}

// script is what every scripted schedule shares: its generator (drawn from the seed: roles and
// timings), its deadline, and the log of what it did, one "at T: <title>: what" line per step,
// which the run's fault listing shows.
type script struct {
	sim     *netsim.Sim
	rng     *rand.Rand
	stop    int64
	title   string
	actions strings.Builder
}

// newScript starts a script's shared state; at stop, whatever message rule it left is removed
// (the suite's faults repair the rest).
func newScript(sim *netsim.Sim, seed, salt uint64, stop int64, title string) *script {
	sim.At(stop, func() { sim.Net().Intercept(nil) })
	return &script{sim: sim, rng: seeded(seed, salt), stop: stop, title: title}
}

// String lists what the script did.
func (s *script) String() string { return s.actions.String() }

// act logs one step (and notes it in the trace).
func (s *script) act(format string, args ...any) {
	text := s.title + ": " + fmt.Sprintf(format, args...)
	s.sim.Note(text)
	fmt.Fprintf(&s.actions, "at %v: %s\n", time.Duration(s.sim.Now()), text)
}

// when runs then as soon as cond holds (looking every scriptPoll), or gives up after limit ns or
// at the script's stop.
func (s *script) when(step string, limit int64, cond func() bool, then func()) {
	deadline := min(s.sim.Now()+limit, s.stop)
	var poll func()
	poll = func() {
		switch {
		case cond():
			then()
		case s.sim.Now() >= deadline:
			s.act("gave up waiting for %s", step)
		default:
			s.sim.After(scriptPoll, poll)
		}
	}
	poll()
}

// later runs fn after d ns unless the script's time is up.
func (s *script) later(d int64, fn func()) {
	s.sim.After(d, func() {
		if s.sim.Now() < s.stop {
			fn()
		}
	})
}

// status is node id's status and whether it is up.
func (s *script) status(id uint64) (netsim.Status, bool) {
	info, err := s.sim.Info(id)
	return info.Status, err == nil && info.Alive
}

// lastIndex is the index of the last entry in node id's log (0 when empty or down).
func (s *script) lastIndex(id uint64) uint64 {
	log := s.sim.Log(id)
	if len(log) == 0 {
		return 0
	}
	return log[len(log)-1].Index
}

func (s *script) name(id uint64) string { return s.sim.Name(id) }

// pick draws one of ids.
func (s *script) pick(ids []uint64) uint64 { return ids[s.rng.IntN(len(ids))] }

// others is every node but the given ones, in ID order.
func (s *script) others(but ...uint64) []uint64 {
	var out []uint64
	for _, id := range s.sim.Nodes() {
		skip := false
		for _, b := range but {
			skip = skip || id == b
		}
		if !skip {
			out = append(out, id)
		}
	}
	return out
}

// settledLeader runs then with a leader whose whole log is committed, once there is one.
func (s *script) settledLeader(limit int64, then func(leader, term uint64)) {
	s.when("a leader with its log committed", limit, func() bool {
		id, _ := s.sim.Leader()
		if id == 0 {
			return false
		}
		st, _ := s.status(id)
		return st.Role == raft.RoleLeader && st.Commit == s.lastIndex(id)
	}, func() {
		id, term := s.sim.Leader()
		then(id, term)
	})
}

// elect pushes id to campaign (every 300 ms from first on) until it leads a term above after, then
// runs then with that term.
func (s *script) elect(id, after uint64, first, limit int64, then func(term uint64)) {
	s.electAny(s.name(id)+" to lead", id, []uint64{id}, after, first, limit, func(_, term uint64) { then(term) })
}

// electAny pushes push to campaign (every 300 ms from first on) until one of ids leads a term above
// after, then runs then with that leader and term; step names the wait.
func (s *script) electAny(step string, push uint64, ids []uint64, after uint64, first, limit int64, then func(leader, term uint64)) {
	next := s.sim.Now() + first
	var leader, term uint64
	s.when(step, limit, func() bool {
		for _, id := range ids {
			if st, ok := s.status(id); ok && st.Role == raft.RoleLeader && st.Term > after {
				leader, term = id, st.Term
				return true
			}
		}
		if s.sim.Now() >= next {
			_ = nodehost.Campaign(s.sim, push)
			next = s.sim.Now() + 300*ms
		}
		return false
	}, func() { then(leader, term) })
}

// do starts one scripted client operation on target (one attempt), logging a refusal.
func (s *script) do(target uint64, req netsim.Request, timeout int64) *netsim.Call {
	call, err := s.sim.Do(req, netsim.DoOptions{Target: target, Attempts: 1, Timeout: timeout})
	if err != nil {
		s.act("%s %s on %s refused: %v", req.Kind, req.Key, s.name(target), err)
		return nil
	}
	return call
}

// durationText renders ns as a duration rounded to the millisecond.
func durationText(ns int64) string { return time.Duration(ns).Round(time.Millisecond).String() }

// burst sends n writes of keys prefix-0 .. prefix-(n-1) to node id at once (one attempt each) and
// returns the last call (nil if none was sent).
func (s *script) burst(prefix string, id uint64, n int) *netsim.Call {
	var last *netsim.Call
	for i := range n {
		last = s.do(id, netsim.Request{Kind: netsim.ReqSet, Key: fmt.Sprintf("%s-%d", prefix, i),
			Value: fmt.Sprintf("v%d", i)}, 2*second)
	}
	return last
}

// armCrash arms a fault point (netsim.Sim.ArmFaultPoint), noting the error when the run cannot.
func (s *script) armCrash(a netsim.ArmedPoint) bool {
	if err := s.sim.ArmFaultPoint(a); err != nil {
		s.act("%v", err)
		return false
	}
	return true
}
