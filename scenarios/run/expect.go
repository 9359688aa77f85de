package run

import (
	"fmt"
	"strings"

	"github.com/raftlab/raftlab/checker"
	"github.com/raftlab/raftlab/checker/history"
	"github.com/raftlab/raftlab/internal/human"
	"github.com/raftlab/raftlab/scenarios/story"
)

// expect checks one assertion and records a failure with file:line when it does not hold, or a
// skip when the driver cannot observe what it is about.
func (x *executor) expect(s *story.Stmt) {
	e := s.Expect
	switch e.What {
	case "leader", "no-leader", "role", "term":
		if x.campaigned {
			x.skipf(s.Pos, "expect %s: the campaign before it was emulated until its node won (no server has a campaign endpoint), so the instant the story describes right after `campaign` has passed", e.What)
			return
		}
	}
	switch e.What {
	case "leader":
		x.expectLeader(s.Pos, e)
	case "no-leader":
		x.expectNoLeader(s.Pos, e)
	case "role":
		id, err := x.resolve(e.Node)
		if err != nil {
			x.failf(s.Pos, "expected %s is %s, got %v", e.Node, e.Role, err)
			return
		}
		if got := x.role(id); got != e.Role {
			x.roleMismatch(s.Pos, id, got, "expected %s is %s, got %s", x.name(id), e.Role, got)
		}
	case "term":
		id, err := x.resolve(e.Node)
		if err != nil {
			x.failf(s.Pos, "expected term of %s, got %v", e.Node, err)
			return
		}
		got := x.d.Status(id).Term
		if ok, want := x.matchTerm(*e.Term, got); !ok {
			x.failf(s.Pos, "expected %s in %s, got term %d", x.name(id), want, got)
		}
	case "log":
		x.expectLog(s.Pos, e)
	case "committed":
		x.expectCommitted(s.Pos, e)
	case "available", "unavailable":
		x.expectAvailable(s.Pos, e.What == "available")
	case "linearizable":
		ops := x.d.History()
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
		x.expectWatch(s.Pos, e)
	}
}

func orNone(s []string) string {
	if len(s) == 0 {
		return "none"
	}
	return strings.Join(s, ", ")
}

func (x *executor) expectNoLeader(pos story.Pos, e *story.Expect) {
	ids, err := x.resolveAll(e.Nodes)
	if err != nil {
		x.failf(pos, "expected nodes, got %v", err)
		return
	}
	if lead := x.leaderAmong(ids); lead != 0 {
		_, term := x.d.Leader()
		x.failf(pos, "expected no leader, got leader %s in term %d", x.name(lead), term)
	}
}

func (x *executor) expectLeader(pos story.Pos, e *story.Expect) {
	lead, term := x.d.Leader()
	want := "leader " + e.Node
	ok := lead != 0
	var subject uint64
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
		subject = id
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
	role := ""
	if subject != 0 {
		role = x.role(subject)
	}
	x.roleMismatch(pos, subject, role, "expected %s, got %s", want, got)
}

// roleMismatch fails a leader or role expectation, unless the mismatch comes from a story setting
// the driver cannot honour, which makes it not comparable (reported as skipped): a node cut off
// from a majority stepped down because the servers always run check-quorum, or a node is a
// pre-candidate because they always run pre-vote. id is the node the expectation is about (0: none)
// and role what it is now.
func (x *executor) roleMismatch(pos story.Pos, id uint64, role, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	switch {
	case id != 0 && !x.st.CheckQuorum && x.info.cannotHonour(SettingCheckQuorumOff) && !x.reachesMajority(id):
		x.skipf(pos, "%s (not comparable: the servers always run check-quorum and %s is cut off from a majority)", msg, x.name(id))
	case role == "pre-candidate" && !x.st.PreVote && x.info.cannotHonour(SettingPreVoteOff):
		x.skipf(pos, "%s (not comparable: the servers always run pre-vote, and %s probes an election as a pre-candidate where the story's node, without pre-vote, would not)", msg, x.name(id))
	default:
		x.failf(pos, "%s", msg)
	}
}

// reachesMajority says whether id and the members it exchanges messages with both ways (and that
// answer) form a majority of the members.
func (x *executor) reachesMajority(id uint64) bool {
	members := x.members()
	n := 0
	for _, other := range members {
		if x.d.Connected(id, other) && x.d.Status(other).up() {
			n++
		}
	}
	return n > len(members)/2
}

// matchTerm checks a term against a term reference, narrating a label's binding.
func (x *executor) matchTerm(ref story.TermRef, got uint64) (bool, string) {
	_, wasBound := x.terms.Bound(ref.Label)
	ok, want := x.terms.Match(ref, got, x.info.TermsAsLabels)
	if ok && ref.Label != "" && !wasBound {
		x.event(fmt.Sprintf("%s is term %d", ref.Label, got))
	}
	return ok, want
}

// logOf is node id's log, or false (with the assertion skipped) when the driver cannot see it.
func (x *executor) logOf(pos story.Pos, what string, id uint64) (NodeLog, bool) {
	log, err := x.d.Log(id)
	if err != nil {
		x.skipf(pos, "expect %s: %v", what, err)
		return NodeLog{}, false
	}
	return log, true
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
		log, ok := x.logOf(pos, "log "+x.setName(ids), id)
		if !ok {
			return
		}
		if got := log.Cells; summarize(got) != summarize(want) {
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
		log, ok := x.logOf(pos, "committed "+x.setName(ids), id)
		if !ok {
			return
		}
		n := 0
		for _, c := range log.Cells {
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
	if x.skippedName(pos, "expect "+e.Name, e.Name) {
		return
	}
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
	pass, want := ResultMatches(e, no.call.Op(), no.call.Cause())
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
	for _, name := range e.Names {
		if x.skippedName(pos, "expect one of "+strings.Join(e.Names, ",")+" ok", name) {
			return
		}
	}
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
