package run

import (
	"fmt"
	"strings"

	"github.com/raftlab/raftlab/checker/history"
	"github.com/raftlab/raftlab/scenarios/story"
)

// op starts a client operation and, unless it is async, waits for its result.
func (x *executor) op(s *story.Stmt) {
	o := s.Op
	switch o.Verb {
	case "watch":
		x.watch(s)
		return
	case "mkdir":
		x.mkdir(s)
		return
	}
	req := Request{Kind: history.Kind(o.Verb), Key: o.Key, Value: o.Value, PrevValue: o.PrevValue,
		PrevIndex: o.PrevIndex, TTL: o.TTL, HasTTL: o.HasTTL, Recursive: o.Recursive}
	if o.PrevIndexOf != "" {
		if x.skippedName(s.Pos, o.Verb+" "+o.Key+" prev-index of "+o.PrevIndexOf, o.PrevIndexOf) {
			x.markSkipped(o.Name)
			return
		}
		idx, err := x.indexOf(o.PrevIndexOf)
		if err != nil {
			x.failf(s.Pos, "expected `prev-index of %s` to name a completed operation, got %v", o.PrevIndexOf, err)
			return
		}
		req.PrevIndex = idx
	}
	var target uint64
	if o.On == "leader" {
		target, _ = x.d.Leader() // no leader: let the client pick a node and fail over
	} else {
		id, err := x.resolve(o.On)
		if err != nil {
			x.failf(s.Pos, "expected a node to send %s to, got %v", o.Verb, err)
			return
		}
		target = id
	}
	call, err := x.d.Do(req, target)
	if x.unsupported(s.Pos, err) {
		x.markSkipped(o.Name)
		return
	}
	if err != nil {
		x.failf(s.Pos, "expected to start %s %s, got %v", o.Verb, o.Key, err)
		return
	}
	name := o.Name
	if name == "" {
		x.anon++
		name = fmt.Sprintf("op%d", x.anon)
	}
	desc := describeOp(o, req)
	if target != 0 {
		desc += " on " + x.name(target)
	}
	no := &namedOp{name: name, pos: s.Pos, desc: desc, call: call}
	x.remember(no)
	if o.Async {
		x.event(fmt.Sprintf("client: %s (async, as %s)", desc, name))
		return
	}
	budget := x.d.CallBudget(target)
	x.runUntil(s.Pos, call.Done, budget)
	if !call.Done() {
		x.failf(s.Pos, "expected %s to complete within %s, got no answer", desc, fmtDur(budget))
		return
	}
	x.reportOp(no)
}

// mkdir creates a directory and waits for the answer; a directory is not a register, so it is not
// in the history, and a failure is narrated, not failed (as `etcdctl mkdir` on an existing one).
func (x *executor) mkdir(s *story.Stmt) {
	target := uint64(0)
	if s.Op.On != "" && s.Op.On != "leader" {
		id, err := x.resolve(s.Op.On)
		if err != nil {
			x.failf(s.Pos, "expected a node to send mkdir to, got %v", err)
			return
		}
		target = id
	}
	call, err := x.d.Mkdir(s.Op.Key, s.Op.TTL, s.Op.HasTTL)
	if x.unsupported(s.Pos, err) {
		return
	}
	if err != nil {
		x.failf(s.Pos, "expected to start mkdir %s, got %v", s.Op.Key, err)
		return
	}
	x.runUntil(s.Pos, call.Done, x.d.CallBudget(target))
	switch {
	case !call.Done():
		x.event(fmt.Sprintf("client: mkdir %s -> no answer", s.Op.Key))
	case call.Err() != nil:
		x.event(fmt.Sprintf("client: mkdir %s -> %v", s.Op.Key, call.Err()))
	default:
		x.event(fmt.Sprintf("client: mkdir %s -> ok", s.Op.Key))
	}
}

// remember keeps a named operation for later statements.
func (x *executor) remember(no *namedOp) {
	if _, dup := x.ops[no.name]; !dup {
		x.opOrder = append(x.opOrder, no.name)
	}
	x.ops[no.name] = no
}

// indexOf is the modifiedIndex a completed operation got.
func (x *executor) indexOf(name string) (uint64, error) {
	no, ok := x.ops[name]
	switch {
	case !ok:
		return 0, fmt.Errorf("no operation called %q", name)
	case !no.call.Done():
		return 0, fmt.Errorf("%s is still running", name)
	case no.call.Op().Outcome != history.OutcomeOK:
		return 0, fmt.Errorf("%s did not succeed (%s)", name, outcomeText(no.call))
	}
	return no.call.Op().Index, nil
}

// reportOp narrates a completed operation once.
func (x *executor) reportOp(no *namedOp) {
	if no.reported {
		return
	}
	no.reported = true
	x.event(fmt.Sprintf("client: %s -> %s", no.desc, outcomeText(no.call)))
}

// reportAsync narrates async operations that completed since they were last looked at.
func (x *executor) reportAsync() {
	for _, name := range x.opOrder {
		if no := x.ops[name]; no.call.Done() && !no.reported {
			x.reportOp(no)
		}
	}
}

// outcomeText describes what a completed operation got.
func outcomeText(c Call) string {
	if !c.Done() {
		return "still running"
	}
	op := c.Op()
	switch op.Outcome {
	case history.OutcomeOK:
		if op.Kind.IsRead() {
			if !op.Found {
				return fmt.Sprintf("ok, not found (etcd index %d)", op.Index)
			}
			return fmt.Sprintf("ok, value %s (etcd index %d)", op.Result, op.Index)
		}
		return fmt.Sprintf("ok (etcd index %d)", op.Index)
	case history.OutcomeFail:
		return fmt.Sprintf("fail: %v", c.Err())
	}
	if err := c.Err(); err != nil {
		return fmt.Sprintf("timeout (outcome unknown: %v)", err)
	}
	return "timeout (outcome unknown)"
}

// describeOp renders an operation the way the story wrote it.
func describeOp(o *story.Op, req Request) string {
	parts := []string{o.Verb, o.Key}
	if o.PrevValue != "" {
		parts = append(parts, o.PrevValue)
	}
	if o.Value != "" {
		parts = append(parts, o.Value)
	}
	if req.PrevIndex != 0 {
		parts = append(parts, fmt.Sprintf("prev-index %d", req.PrevIndex))
	}
	if o.HasTTL {
		parts = append(parts, "ttl "+o.TTL.String())
	}
	return strings.Join(parts, " ")
}
