package run

import (
	"errors"
	"fmt"
	"strings"

	"github.com/raftlab/raftlab/checker"
	"github.com/raftlab/raftlab/checker/history"
	"github.com/raftlab/raftlab/core/store"
	"github.com/raftlab/raftlab/internal/human"
	"github.com/raftlab/raftlab/scenarios/story"
)

// expect checks one assertion and records a failure with file:line when it does not hold.
func (x *executor) expect(s *story.Stmt) {
	e := s.Expect
	switch e.What {
	case "leader":
		x.expectLeader(s.Pos, e)
	case "no-leader":
		ids, err := x.resolveAll(e.Nodes)
		if err != nil {
			x.failf(s.Pos, "expected nodes, got %v", err)
			return
		}
		if lead := x.leaderAmong(ids); lead != 0 {
			_, term := x.sim.Leader()
			x.failf(s.Pos, "expected no leader, got leader %s in term %d", x.name(lead), term)
		}
	case "role":
		id, err := x.resolve(e.Node)
		if err != nil {
			x.failf(s.Pos, "expected %s is %s, got %v", e.Node, e.Role, err)
			return
		}
		if got := x.role(id); got != e.Role {
			x.failf(s.Pos, "expected %s is %s, got %s", x.name(id), e.Role, got)
		}
	case "term":
		id, err := x.resolve(e.Node)
		if err != nil {
			x.failf(s.Pos, "expected term of %s, got %v", e.Node, err)
			return
		}
		info, _ := x.sim.Info(id)
		if ok, want := x.matchTerm(*e.Term, info.Status.Term); !ok {
			x.failf(s.Pos, "expected %s in %s, got term %d", x.name(id), want, info.Status.Term)
		}
	case "log":
		x.expectLog(s.Pos, e)
	case "committed":
		x.expectCommitted(s.Pos, e)
	case "available", "unavailable":
		x.expectAvailable(s.Pos, e.What == "available")
	case "linearizable":
		ops := x.history()
		v := checker.Check(ops, checker.Options{})
		x.res.Verdict = v
		if !v.Linearizable {
			x.linFailedAt = len(ops)
			x.failf(s.Pos, "expected a linearizable history, got: %s", strings.Join(v.Problems, "; "))
		} else {
			x.event(fmt.Sprintf("checker: %s on %s are linearizable", human.Count(v.OpsChecked, "operation"),
				human.Count(v.KeysChecked, "key")))
		}
	case "result":
		x.expectResult(s.Pos, e)
	case "one-ok":
		x.expectOneOk(s.Pos, e)
	case "watch":
		got, err := x.watchEvents(e.Name)
		if err != nil {
			x.failf(s.Pos, "expected watch %s events, got %v", e.Name, err)
			return
		}
		if strings.Join(got, ", ") != strings.Join(e.Events, ", ") {
			x.failf(s.Pos, "expected watch %s events: %s, got: %s", e.Name, strings.Join(e.Events, ", "), orNone(got))
		}
	}
}

func orNone(s []string) string {
	if len(s) == 0 {
		return "none"
	}
	return strings.Join(s, ", ")
}

func (x *executor) expectLeader(pos story.Pos, e *story.Expect) {
	lead, term := x.sim.Leader()
	want := "leader " + e.Node
	ok := lead != 0
	if len(e.Nodes) > 0 {
		ids, err := x.resolveAll(e.Nodes)
		if err != nil {
			x.failf(pos, "expected nodes, got %v", err)
			return
		}
		want = "leader among " + x.setName(ids)
		ok = ok && x.leaderAmong(ids) == lead
	} else {
		id, err := x.resolve(e.Node)
		if err != nil {
			x.failf(pos, "expected leader %s, got %v", e.Node, err)
			return
		}
		want = "leader " + x.name(id)
		ok = ok && id == lead
	}
	if e.Term != nil && ok {
		termOK, termWant := x.matchTerm(*e.Term, term)
		want += " in " + termWant
		ok = termOK
	} else if e.Term != nil {
		want += " in term " + e.Term.String()
	}
	if ok {
		return
	}
	got := "no leader"
	if lead != 0 {
		got = fmt.Sprintf("leader %s in term %d", x.name(lead), term)
	}
	x.failf(pos, "expected %s, got %s", want, got)
}

// matchTerm checks a term against a term reference, narrating a label's binding.
func (x *executor) matchTerm(ref story.TermRef, got uint64) (bool, string) {
	_, wasBound := x.terms.Bound(ref.Label)
	ok, want := x.terms.Match(ref, got)
	if ok && ref.Label != "" && !wasBound {
		x.event(fmt.Sprintf("%s is term %d", ref.Label, got))
	}
	return ok, want
}

func (x *executor) expectLog(pos story.Pos, e *story.Expect) {
	ids, err := x.resolveAll(e.Nodes)
	if err != nil {
		x.failf(pos, "expected nodes, got %v", err)
		return
	}
	want := make([]Cell, len(e.Cells))
	for i, c := range e.Cells {
		want[i] = Cell{Position: c.Position, Value: c.Value, Committed: c.Committed}
	}
	for _, id := range ids {
		if got := x.cells(id); summarize(got) != summarize(want) {
			x.failf(pos, "expected log %s: %s, got: %s", x.name(id), summarize(want), summarize(got))
		}
	}
}

func (x *executor) expectCommitted(pos story.Pos, e *story.Expect) {
	ids, err := x.resolveAll(e.Nodes)
	if err != nil {
		x.failf(pos, "expected nodes, got %v", err)
		return
	}
	for _, id := range ids {
		n := 0
		for _, c := range x.cells(id) {
			if c.Committed {
				n++
			}
		}
		if n != e.Count {
			x.failf(pos, "expected %d committed entries on %s, got %d", e.Count, x.name(id), n)
		}
	}
}

// summarize renders cells in the story's syntax: "1 much, 2 wow (uncommitted)" or "empty".
func summarize(cells []Cell) string {
	if len(cells) == 0 {
		return "empty"
	}
	parts := make([]string, len(cells))
	for i, c := range cells {
		parts[i] = fmt.Sprintf("%d %s", c.Position, c.Value)
		if !c.Committed {
			parts[i] += " (uncommitted)"
		}
	}
	return strings.Join(parts, ", ")
}

// ResultMatches says whether a finished operation op satisfies the expectation `expect NAME …` and
// describes what was expected; cause is the etcd error's cause text, if the operation failed with one.
// The simulator's executor and labd's real-process executor share it.
func ResultMatches(e *story.Expect, op history.Op, cause string) (pass bool, want string) {
	want = strings.ReplaceAll(e.Outcome, "-", " ")
	switch e.Outcome {
	case "ok":
		pass = op.Outcome == history.OutcomeOK
	case "fail":
		pass = op.Outcome == history.OutcomeFail
	case "timeout":
		pass = op.Outcome == history.OutcomeUnknown
	case "not-ok":
		pass = op.Outcome != history.OutcomeOK
	case "not-found":
		pass = op.Outcome == history.OutcomeOK && op.Kind.IsRead() && !op.Found
	case "value":
		want = "value " + e.Value
		v := op.Result
		if op.Kind.WritesValue() {
			v = op.Value
		}
		pass = op.Outcome == history.OutcomeOK && (op.Found || op.Kind.WritesValue()) && v == e.Value
	case "error":
		want = fmt.Sprintf("error %d", e.ErrorCode)
		pass = op.Outcome == history.OutcomeFail && op.ErrorCode == e.ErrorCode
		if e.Cause != "" {
			want += fmt.Sprintf(" %q", e.Cause)
			pass = pass && cause == e.Cause
		}
	}
	return pass, want
}

func (x *executor) expectResult(pos story.Pos, e *story.Expect) {
	no, ok := x.ops[e.Name]
	if !ok {
		x.failf(pos, "expected an operation called %s, got none", e.Name)
		return
	}
	want := strings.ReplaceAll(e.Outcome, "-", " ")
	if !no.call.Done() {
		x.failf(pos, "expected %s %s, got still running", e.Name, want)
		return
	}
	x.reportOp(no)
	got := outcomeText(no.call)
	cause := ""
	var se *store.Error
	if errors.As(no.call.Reply().Err, &se) {
		cause = se.Cause
	}
	pass, want := ResultMatches(e, no.call.Op(), cause)
	if !pass {
		x.failf(pos, "expected %s %s, got %s", e.Name, want, got)
	}
}

// expectAvailable sends a probe write through the leader (any live node when there is none) and
// checks whether it succeeds within the client timeout.
func (x *executor) expectAvailable(pos story.Pos, want bool) {
	x.probes++
	name := fmt.Sprintf("probe%d", x.probes)
	st := &story.Stmt{Pos: pos, Kind: story.KindOp, Op: &story.Op{Verb: "set", Key: "/raftlab/probe",
		Value: name, On: "leader", Name: name}}
	failures := len(x.res.Failures)
	x.op(st)
	if len(x.res.Failures) > failures {
		return
	}
	no := x.ops[name]
	got := no.call.Done() && no.call.Op().Outcome == history.OutcomeOK
	switch {
	case want && !got:
		x.failf(pos, "expected the cluster to be available (a write to succeed), got %s", outcomeText(no.call))
	case !want && got:
		x.failf(pos, "expected the cluster to be unavailable (a write to fail), got %s", outcomeText(no.call))
	}
}

// expectOneOk checks that exactly one of the named operations succeeded (one winner per round of
// concurrent compare-and-swaps).
func (x *executor) expectOneOk(pos story.Pos, e *story.Expect) {
	var winners, pending []string
	for _, name := range e.Names {
		no, ok := x.ops[name]
		switch {
		case !ok:
			x.failf(pos, "expected an operation called %s, got none", name)
			return
		case !no.call.Done():
			pending = append(pending, name)
		case no.call.Op().Outcome == history.OutcomeOK:
			winners = append(winners, name)
		}
		if ok {
			x.reportOp(no)
		}
	}
	if len(pending) > 0 {
		x.failf(pos, "expected exactly one of %s ok, got %s still running", strings.Join(e.Names, ","), strings.Join(pending, ","))
		return
	}
	if len(winners) != 1 {
		x.failf(pos, "expected exactly one of %s ok, got %d ok (%s)", strings.Join(e.Names, ","), len(winners), orNone(winners))
		return
	}
	x.event("one winner: " + winners[0])
}
