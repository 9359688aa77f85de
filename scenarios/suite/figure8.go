package suite

import (
	"fmt"

	"github.com/raftlab/raftlab/netsim"
)

// figure8Link keeps every message at least 5ms on the wire (see scriptPoll).
var figure8Link = scriptLink

// figure8Script plays Raft's Figure 8 on a 5-node cluster, with roles and timings drawn from the
// seed, reacting to what the nodes do (who leads, what they committed):
//
//	(a) S1 (the leader) is cut off right after its log is fully committed and takes a client
//	    write at index i that nobody else gets, then crashes; one other node (S2) is cut off.
//	(b) one of the other three (S5, the seed picks whom to push) is elected and cut off before its
//	    term's first entry, at index i, leaves it; it crashes.
//	(c) S1 restarts and is elected (S2 and S3 vote; S4 cut off, S5 down); it sends its old entry
//	    i to S2 and S3. The moment S1 commits index i or beyond, it is cut off: with
//	    Bugs.CommitPreviousTermByCounting that happens on counting i's replicas, before its new
//	    term's entry reached a majority, and S1 applies i.
//	(d) S5 restarts and campaigns (whoever holds S1's newest-term entry is kept away); it wins
//	    with S3, S4 and maybe S2 and overwrites index i, so the others apply another entry at i
//	    than S1 did. Correct code never commits i in (c) before a majority holds the new term's
//	    entry, so S5 cannot win, and the run ends healed.
//
// Every step has a deadline; at stop the script ends and the suite's faults repair everything.
func figure8Script(sim *netsim.Sim, seed uint64, stop int64) fmt.Stringer {
	f := &figure8{script: newScript(sim, seed, 0x666967757265, stop, "figure 8")}
	sim.At(between(f.rng, 1500*ms, 2500*ms), f.settle)
	return f
}

// figure8 is the state of one run's Figure 8 script.
type figure8 struct {
	*script
	// s1..s5 are the roles; i is the first index S1 holds alone; term2 S1's first term as leader,
	// term3 S5's, term4 S1's second.
	s1, s2, s3, s4, s5  uint64
	i                   uint64
	term2, term3, term4 uint64
	// notS1 is every node but S1, in ID order.
	notS1 []uint64
}

// settle (a): waits for a leader whose whole log is committed, cuts it off and writes to it.
func (f *figure8) settle() {
	f.settledLeader(3*second, func(leader, term uint64) {
		f.s1, f.term2 = leader, term
		for _, id := range f.sim.Nodes() {
			if id != f.s1 {
				f.notS1 = append(f.notS1, id)
			}
		}
		f.s2 = f.pick(f.notS1)
		f.i = f.lastIndex(f.s1) + 1
		f.sim.Net().Isolate(f.s1)
		f.sim.Net().Isolate(f.s2)
		f.act("(a) isolate %s (leader, term %d) and %s; write at index %d on %s alone",
			f.name(f.s1), f.term2, f.name(f.s2), f.i, f.name(f.s1))
		if _, err := f.sim.Do(netsim.Request{Kind: netsim.ReqSet, Key: "/figure8", Value: "old"},
			netsim.DoOptions{Target: f.s1, Attempts: 1, Timeout: 2 * second}); err != nil {
			f.act("(a) write failed: %v", err)
			return
		}
		f.when("the write in S1's log", 200*ms, func() bool { return f.lastIndex(f.s1) >= f.i }, func() {
			// Give S1's disk time to sync the entry before the crash.
			f.later(between(f.rng, 30*ms, 150*ms), f.crashS1)
		})
	})
}

func (f *figure8) crashS1() {
	if err := f.sim.Crash(f.s1); err != nil {
		f.act("(a) crash %s failed: %v", f.name(f.s1), err)
		return
	}
	f.act("(a) crash %s", f.name(f.s1))
	var rest []uint64
	for _, id := range f.notS1 {
		if id != f.s2 {
			rest = append(rest, id)
		}
	}
	push := f.pick(rest)
	f.later(between(f.rng, 0, 300*ms), func() { f.campaignS5(rest, push) })
}

// campaignS5 (b): pushes one node to campaign until one of rest leads, then cuts it off.
func (f *figure8) campaignS5(rest []uint64, push uint64) {
	f.act("(b) %s campaigns", f.name(push))
	f.electAny("a leader among the other three", push, rest, f.term2, 0, 4*second, func(leader, term uint64) {
		f.s5, f.term3 = leader, term
		f.sim.Net().Isolate(f.s5)
		f.act("(b) %s leads term %d: isolate it before its entry at index %d leaves", f.name(f.s5), f.term3, f.i)
		for _, id := range rest {
			if id != f.s5 {
				if f.s3 == 0 {
					f.s3 = id
				} else {
					f.s4 = id
				}
			}
		}
		if f.rng.IntN(2) == 0 {
			f.s3, f.s4 = f.s4, f.s3
		}
		f.later(between(f.rng, 30*ms, 150*ms), f.restartS1)
	})
}

// restartS1 (c): S5 crashes, S1 comes back and is pushed to campaign with S2 and S3 reachable.
func (f *figure8) restartS1() {
	if err := f.sim.Crash(f.s5); err != nil {
		f.act("(b) crash %s failed: %v", f.name(f.s5), err)
		return
	}
	f.sim.Net().Heal()
	f.sim.Net().Isolate(f.s4)
	if err := f.sim.Restart(f.s1); err != nil {
		f.act("(c) restart %s failed: %v", f.name(f.s1), err)
		return
	}
	f.act("(c) crash %s, heal, isolate %s, restart %s", f.name(f.s5), f.name(f.s4), f.name(f.s1))
	f.electAny("S1 to lead again", f.s1, []uint64{f.s1}, f.term3, between(f.rng, 10*ms, 200*ms), 4*second, func(_, term uint64) {
		f.term4 = term
		f.act("(c) %s leads term %d", f.name(f.s1), f.term4)
		f.when("S1 to commit index i", 2*second, func() bool {
			st, ok := f.status(f.s1)
			return ok && st.Commit >= f.i
		}, f.overwrite)
	})
}

// overwrite (d): S1 is cut off the moment it commits i; S5 restarts and is pushed to campaign.
func (f *figure8) overwrite() {
	st, _ := f.status(f.s1)
	f.sim.Net().Isolate(f.s1)
	f.act("(c) %s committed index %d (term %d entry %d): isolate it", f.name(f.s1), st.Commit, f.term2, f.i)
	f.sim.Net().Heal()
	f.sim.Net().Isolate(f.s1)
	for _, id := range []uint64{f.s2, f.s3} {
		for _, e := range f.sim.Log(id) {
			if e.Term >= f.term4 {
				f.sim.Net().Isolate(id)
				f.act("(d) isolate %s: it holds %s's term %d entry at index %d", f.name(id), f.name(f.s1), e.Term, e.Index)
				break
			}
		}
	}
	if err := f.sim.Restart(f.s5); err != nil {
		f.act("(d) restart %s failed: %v", f.name(f.s5), err)
		return
	}
	f.act("(d) restart %s", f.name(f.s5))
	f.electAny("S5 to lead again", f.s5, []uint64{f.s5}, f.term4, between(f.rng, 10*ms, 100*ms), 3*second, func(_, term uint64) {
		f.act("(d) %s leads term %d", f.name(f.s5), term)
		f.later(between(f.rng, 300*ms, 800*ms), func() {
			f.sim.Net().Heal()
			f.act("(d) heal")
		})
	})
}
