package run

import (
	"fmt"
	"strings"

	"github.com/raftlab/raftlab/checker/history"
	"github.com/raftlab/raftlab/netsim"
	"github.com/raftlab/raftlab/scenarios/story"
)

// requestKinds maps story verbs to the simulator's request kinds (mkdir and watch are not
// requests).
var requestKinds = map[string]netsim.RequestKind{
	"get": netsim.ReqGet, "qget": netsim.ReqQuorumGet, "set": netsim.ReqSet, "create": netsim.ReqCreate,
	"update": netsim.ReqUpdate, "cas": netsim.ReqCompareAndSwap, "delete": netsim.ReqDelete,
	"cad": netsim.ReqCompareAndDelete,
}

// op starts a client operation and, unless it is async, waits for its result.
func (x *executor) op(s *story.Stmt) {
	o := s.Op
	if o.Verb == "watch" {
		x.watch(s)
		return
	}
	req := netsim.Request{Kind: requestKinds[o.Verb], Key: o.Key, Value: o.Value, PrevValue: o.PrevValue,
		PrevIndex: o.PrevIndex, TTL: int64(o.TTL)}
	if o.PrevIndexOf != "" {
		idx, err := x.indexOf(o.PrevIndexOf)
		if err != nil {
			x.failf(s.Pos, "expected `prev-index of %s` to name a completed operation, got %v", o.PrevIndexOf, err)
			return
		}
		req.PrevIndex = idx
	}
	var target uint64
	if o.On == "leader" {
		target, _ = x.sim.Leader() // no leader: let the client pick a node and fail over
	} else {
		id, err := x.resolve(o.On)
		if err != nil {
			x.failf(s.Pos, "expected a node to send %s to, got %v", o.Verb, err)
			return
		}
		target = id
	}
	call, err := x.sim.Do(req, netsim.DoOptions{Target: target, Timeout: x.timeout})
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
	x.runUntil(s.Pos, call.Done, x.callBudget(target))
	if !call.Done() {
		x.failf(s.Pos, "expected %s to complete within %s, got no answer", desc, fmtDur(x.callBudget(target)))
		return
	}
	x.reportOp(no)
}

// callBudget is the longest an operation can take: every attempt times out.
func (x *executor) callBudget(target uint64) int64 {
	attempts := int64(x.sim.Config().Clients.Attempts)
	if target != 0 || attempts < 1 {
		attempts = 1
	}
	return attempts*x.timeout + x.timeout/2
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
func outcomeText(c *netsim.Call) string {
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
		return fmt.Sprintf("fail: %v", c.Reply().Err)
	}
	if err := c.Reply().Err; err != nil {
		return fmt.Sprintf("timeout (outcome unknown: %v)", err)
	}
	return "timeout (outcome unknown)"
}

// describeOp renders an operation the way the story wrote it.
func describeOp(o *story.Op, req netsim.Request) string {
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
