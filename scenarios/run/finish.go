package run

import (
	"fmt"
	"strings"

	"github.com/raftlab/raftlab/checker"
	"github.com/raftlab/raftlab/checker/history"
	"github.com/raftlab/raftlab/internal/human"
)

// finish closes the last step and runs the end-of-story checks: linearizability of the whole
// history, Raft's invariants and every watcher against the committed events.
func (x *executor) finish() {
	pos := x.st.File + ":1"
	if n := len(x.st.Stmts); n > 0 {
		pos = x.st.Stmts[n-1].Pos.String() // end-of-story checks belong to the last line
	}
	if x.step == nil {
		x.beginStep("End of the story")
	}
	r := x.res
	r.History = x.history()
	r.Verdict = checker.Check(r.History, checker.Options{})
	if !r.Verdict.Linearizable && x.linFailedAt != len(r.History) {
		x.endFailf(pos, "expected a linearizable history, got: %s", strings.Join(r.Verdict.Problems, "; "))
	}
	r.Monitor = x.monitor.Violations()
	for _, v := range r.Monitor {
		x.endFailf(pos, "expected Raft's invariants to hold, got: %s", v)
	}
	r.Watches = x.sim.WatchRecords()
	if len(r.Watches) > 0 {
		if err := x.truth.Err(); err != nil {
			x.event(fmt.Sprintf("watch check skipped: %v", err))
		} else {
			for _, p := range checker.CheckWatches(r.Watches, x.truth.Events()) {
				x.endFailf(pos, "expected every watcher to see every committed event, got: %s", p)
			}
		}
	}
	for _, f := range x.sim.Failures() {
		x.endFailf(pos, "expected no simulator failure, got: %s", f)
	}
	x.endStep()
	now := x.sim.Now()
	for _, w := range x.open {
		w.End = now
		r.Faults = append(r.Faults, *w)
	}
	x.open = nil
	r.Samples = x.sim.Samples()
	r.TraceHash = x.sim.TraceHash()
	r.VirtualTime = now
	r.Passed = len(r.Failures) == 0
	verdict := "PASSED"
	if !r.Passed {
		verdict = fmt.Sprintf("FAILED (%s)", human.Count(len(r.Failures), "failure"))
	}
	x.print([]string{fmt.Sprintf("story %s: %s at t=%s, seed %d, trace %016x", x.st.Name, verdict, fmtTime(now), r.Seed, r.TraceHash)})
}

// history is the run's history so far: the clients' operations, with the TTL expiries the cluster
// recorded (see checker/history), which is exactly what Result.History and a history file hold.
func (x *executor) history() []history.Op { return x.truth.WithExpiry(x.sim.History()) }

func (x *executor) endFailf(pos, format string, args ...any) {
	msg := pos + ": " + fmt.Sprintf(format, args...)
	x.res.Failures = append(x.res.Failures, msg)
	x.event("FAILED " + msg)
}
