package run

import (
	"fmt"
	"strings"

	"github.com/raftlab/raftlab/checker"
	"github.com/raftlab/raftlab/internal/human"
)

// finish closes the last step and runs the end-of-story checks: linearizability of the whole
// history, then the driver's (Raft's invariants and every watcher against the committed events in
// the simulator).
func (x *executor) finish() {
	pos := x.st.File + ":1"
	if n := len(x.st.Stmts); n > 0 {
		pos = x.st.Stmts[n-1].Pos.String() // end-of-story checks belong to the last line
	}
	if x.step == nil {
		x.beginStep("End of the story")
	}
	// The last slide shows the cluster before the driver's end (real processes are stopped then).
	last := x.snapshot()
	r := x.res
	r.History = x.d.History()
	r.Verdict = checker.Check(r.History, checker.Options{})
	if !r.Verdict.Linearizable && x.linFailedAt != len(r.History) {
		x.endFailf(pos, "expected a linearizable history, got: %s", strings.Join(r.Verdict.Problems, "; "))
	}
	end := x.d.Finish()
	for _, c := range end.Checks {
		switch {
		case c.Failure != "":
			x.endFailf(pos, "%s", c.Failure)
		case c.Skipped != "":
			x.res.Skipped = append(x.res.Skipped, "end of story: "+c.Skipped)
			x.event("SKIPPED " + c.Skipped)
		default:
			x.event(c.Note)
		}
	}
	r.Watches, r.Monitor, r.Samples, r.TraceHash = end.Watches, end.Monitor, end.Samples, end.TraceHash
	x.endStepWith(last)
	now := x.d.Now()
	for _, w := range x.open {
		w.End = now
		r.Faults = append(r.Faults, *w)
	}
	x.open = nil
	r.VirtualTime = now
	r.Passed = len(r.Failures) == 0
	verdict := "PASSED"
	if !r.Passed {
		verdict = fmt.Sprintf("FAILED (%s)", human.Count(len(r.Failures), "failure"))
	}
	if n := len(r.Skipped); n > 0 {
		verdict += fmt.Sprintf(", %d SKIPPED", n)
	}
	if x.info.Wall {
		x.print([]string{fmt.Sprintf("story %s: %s after %s of wall time, on %s", x.st.Name, verdict, fmtTime(now), x.info.Server)})
		return
	}
	x.print([]string{fmt.Sprintf("story %s: %s at t=%s, seed %d, trace %016x", x.st.Name, verdict, fmtTime(now), r.Seed, r.TraceHash)})
}

func (x *executor) endFailf(pos, format string, args ...any) {
	msg := pos + ": " + fmt.Sprintf(format, args...)
	x.res.Failures = append(x.res.Failures, msg)
	x.event("FAILED " + msg)
}
