package main

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/raftlab/raftlab/checker"
	"github.com/raftlab/raftlab/checker/history"
	"github.com/raftlab/raftlab/cmd/internal/v2client"
	"github.com/raftlab/raftlab/cmd/labd/internal/realcluster"
	"github.com/raftlab/raftlab/internal/human"
	storyrun "github.com/raftlab/raftlab/scenarios/run"
	"github.com/raftlab/raftlab/scenarios/story"
)

// expect checks one assertion on the real cluster.
func (x *realExecutor) expect(s *story.Stmt) {
	e := s.Expect
	switch e.What {
	case "leader":
		x.expectLeader(s.Pos, e)
	case "no-leader":
		names, err := x.resolveAll(e.Nodes)
		if err != nil {
			x.failf(s.Pos, "expected nodes, got %v", err)
			return
		}
		if lead, term := x.leader(names); lead != "" {
			x.failf(s.Pos, "expected no leader, got leader %s in term %d", lead, term)
			return
		}
		x.pass(s.Pos, "no leader among "+setName(names))
	case "role":
		name, err := x.resolve(e.Node)
		if err != nil {
			x.failf(s.Pos, "expected %s is %s, got %v", e.Node, e.Role, err)
			return
		}
		if got := x.role(name); got != e.Role {
			x.roleMismatch(s.Pos, name, fmt.Sprintf("expected %s is %s, got %s", name, e.Role, got))
			return
		}
		x.pass(s.Pos, name+" is "+e.Role)
	case "term":
		name, err := x.resolve(e.Node)
		if err != nil {
			x.failf(s.Pos, "expected term of %s, got %v", e.Node, err)
			return
		}
		st, err := x.c.Status(name)
		switch {
		case err != nil:
			x.failf(s.Pos, "expected %s in term %s, got %v", name, e.Term, err)
		default:
			if ok, note := x.terms.matchRef(*e.Term, st.Term); ok {
				x.pass(s.Pos, fmt.Sprintf("%s in term %s%s", name, e.Term, note))
			} else {
				x.failf(s.Pos, "expected %s in term %s, got term %d", name, e.Term, st.Term)
			}
		}
	case "log", "committed":
		x.skipExpect(s.Pos, "expect %s %s: log entries are not observable from outside kvd", e.What, setName(e.Nodes))
	case "watch":
		x.expectWatch(s.Pos, e)
	case "available", "unavailable":
		x.expectAvailable(s.Pos, e.What == "available")
	case "linearizable":
		v := checker.Check(x.checkedHistory(), checker.Options{})
		if !v.Linearizable {
			x.failf(s.Pos, "expected a linearizable history, got: %s", strings.Join(v.Problems, "; "))
			return
		}
		x.pass(s.Pos, fmt.Sprintf("%s on %s are linearizable", human.Count(v.OpsChecked, "operation"), human.Count(v.KeysChecked, "key")))
	case "result":
		x.expectResult(s.Pos, e)
	case "one-ok":
		x.expectOneOk(s.Pos, e)
	default:
		x.skipExpect(s.Pos, "expect %s: not known to labd real", e.What)
	}
}

// pass records a held assertion.
func (x *realExecutor) pass(pos story.Pos, what string) {
	x.event("ok: " + what)
	x.assert(pos, true, "")
}

// skipExpect records an assertion that cannot be checked on real processes.
func (x *realExecutor) skipExpect(pos story.Pos, format string, args ...any) {
	x.skipf(pos, format, args...)
	x.assert(pos, true, "skipped: "+fmt.Sprintf(format, args...))
}

// roleMismatch fails a leader or role expectation, unless the story turned check-quorum off and
// the node is cut off from a majority: kvd always runs check-quorum, so such a leader steps down
// where the story's would not, and the expectation is not comparable (reported as skipped).
func (x *realExecutor) roleMismatch(pos story.Pos, name, msg string) {
	if !x.st.CheckQuorum && name != "" && !x.reachesMajority(name) {
		x.skipExpect(pos, "%s (not comparable: kvd runs check-quorum and %s is cut off from a majority)", msg, name)
		return
	}
	x.failf(pos, "%s", msg)
}

// reachesMajority says whether name and the running members it exchanges messages with both ways
// form a majority.
func (x *realExecutor) reachesMajority(name string) bool {
	links := x.c.Network().Links()
	n := 0
	for _, other := range x.st.Nodes {
		if x.c.State(other) != realcluster.StateRunning {
			continue
		}
		if other == name || (!links[realLink(name, other)].Cut && !links[realLink(other, name)].Cut) {
			n++
		}
	}
	return n > len(x.st.Nodes)/2
}

// realLink is the directed link from → to.
func realLink(from, to string) realcluster.Link { return realcluster.Link{From: from, To: to} }

// expectLeader checks `expect leader NODE|among SET [term T]` against the highest-term leader.
func (x *realExecutor) expectLeader(pos story.Pos, e *story.Expect) {
	lead, term := x.leader(x.st.Nodes)
	var want, subject string
	ok := lead != ""
	if len(e.Nodes) > 0 {
		names, err := x.resolveAll(e.Nodes)
		if err != nil {
			x.failf(pos, "expected nodes, got %v", err)
			return
		}
		want = "leader among " + setName(names)
		ok = ok && slices.Contains(names, lead)
	} else {
		name, err := x.resolve(e.Node)
		if err != nil {
			x.failf(pos, "expected leader %s, got %v", e.Node, err)
			return
		}
		want, subject = "leader "+name, name
		ok = ok && lead == name
	}
	note := ""
	if e.Term != nil {
		want += fmt.Sprintf(" in term %s", e.Term)
		if ok {
			ok, note = x.terms.matchRef(*e.Term, term)
		}
	}
	if ok {
		x.pass(pos, fmt.Sprintf("%s (%s leads in term %d)%s", want, lead, term, note))
		return
	}
	got := "no leader"
	if lead != "" {
		got = fmt.Sprintf("leader %s in term %d", lead, term)
	}
	x.roleMismatch(pos, subject, fmt.Sprintf("expected %s, got %s", want, got))
}

// expectResult checks what a named operation got.
func (x *realExecutor) expectResult(pos story.Pos, e *story.Expect) {
	ro, ok := x.ops[e.Name]
	if !ok {
		x.failf(pos, "expected an operation called %s, got none", e.Name)
		return
	}
	want := strings.ReplaceAll(e.Outcome, "-", " ")
	if !ro.finished() {
		x.failf(pos, "expected %s %s, got still running", e.Name, want)
		return
	}
	x.reportOp(ro)
	op, err := x.result(ro)
	cause := ""
	var ve *v2client.Error
	if errors.As(err, &ve) {
		cause = ve.Cause
	}
	pass, want := storyrun.ResultMatches(e, op, cause)
	if !pass {
		x.failf(pos, "expected %s %s, got %s", e.Name, want, x.outcomeText(ro))
		return
	}
	x.pass(pos, fmt.Sprintf("%s %s", e.Name, want))
}

// expectOneOk checks that exactly one of the named operations succeeded.
func (x *realExecutor) expectOneOk(pos story.Pos, e *story.Expect) {
	var oks []string
	for _, name := range e.Names {
		ro, ok := x.ops[name]
		if !ok {
			x.failf(pos, "expected an operation called %s, got none", name)
			return
		}
		if !ro.finished() {
			x.failf(pos, "expected %s to have completed, got still running", name)
			return
		}
		if op, _ := x.result(ro); op.Outcome == history.OutcomeOK {
			oks = append(oks, name)
		}
	}
	if len(oks) != 1 {
		x.failf(pos, "expected exactly one of %s to succeed, got %d (%s)", setName(e.Names), len(oks), strings.Join(oks, ", "))
		return
	}
	x.pass(pos, fmt.Sprintf("only %s of %s succeeded", oks[0], setName(e.Names)))
}

// expectAvailable sends a probe write through the leader and checks whether it succeeds within
// the client timeout.
func (x *realExecutor) expectAvailable(pos story.Pos, want bool) {
	x.probes++
	name := fmt.Sprintf("probe%d", x.probes)
	x.op(&story.Stmt{Pos: pos, Kind: story.KindOp, Op: &story.Op{Verb: "set", Key: "/raftlab/probe",
		Value: name, On: "leader", Name: name}})
	ro := x.ops[name]
	got := ro.finished()
	if got {
		op, _ := x.result(ro)
		got = op.Outcome == history.OutcomeOK
	}
	switch {
	case want && !got:
		x.failf(pos, "expected the cluster to be available (a write to succeed), got %s", x.outcomeText(ro))
	case !want && got:
		x.failf(pos, "expected the cluster to be unavailable (a write to fail), got %s", x.outcomeText(ro))
	default:
		x.pass(pos, map[bool]string{true: "available", false: "unavailable"}[want])
	}
}
