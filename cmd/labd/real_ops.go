package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/raftlab/raftlab/checker/history"
	"github.com/raftlab/raftlab/cmd/internal/v2client"
	"github.com/raftlab/raftlab/scenarios/story"
)

// realOp is one client operation sent to the real cluster.
type realOp struct {
	name string
	desc string
	done chan struct{}
	// Set once done is closed (under realExecutor.mu):
	op  history.Op
	err error
}

// finished says whether the operation has completed.
func (o *realOp) finished() bool {
	select {
	case <-o.done:
		return true
	default:
		return false
	}
}

// op starts a client operation and, unless it is async, waits for its result.
func (x *realExecutor) op(s *story.Stmt) {
	o := s.Op
	switch o.Verb {
	case "watch":
		x.watch(s)
		return
	case "mkdir":
		x.mkdir(s)
		return
	}
	kind := history.Kind(o.Verb)
	if !kind.Valid() {
		x.failf(s.Pos, "expected a client operation, got %q", o.Verb)
		return
	}
	hop := history.Op{Kind: kind, Key: o.Key, PrevValue: o.PrevValue, PrevIndex: o.PrevIndex}
	if kind.WritesValue() {
		hop.Value = o.Value
		if o.HasTTL {
			hop.TTL = int64(o.TTL)
			x.expiryWatch() // the key may expire: the checker needs to know when
		}
	}
	if o.PrevIndexOf != "" {
		idx, err := x.indexOf(o.PrevIndexOf)
		if err != nil {
			x.failf(s.Pos, "expected `prev-index of %s` to name a completed operation, got %v", o.PrevIndexOf, err)
			return
		}
		hop.PrevIndex = idx
	}
	endpoints, target, err := x.endpointsFor(o.On)
	if err != nil {
		x.failf(s.Pos, "expected a node to send %s to, got %v", o.Verb, err)
		return
	}
	hop.Node = target
	name := o.Name
	if name == "" {
		x.anon++
		name = fmt.Sprintf("op%d", x.anon)
	}
	desc := fmt.Sprintf("%s %s", o.Verb, o.Key)
	if o.PrevValue != "" {
		desc += " " + o.PrevValue
	}
	if o.Value != "" {
		desc += " " + o.Value
	}
	if hop.PrevIndex != 0 {
		desc += fmt.Sprintf(" prev-index %d", hop.PrevIndex)
	}
	if target != "" {
		desc += " on " + target
	}
	x.clients++
	hop.Client = x.clients
	ro := &realOp{name: name, desc: desc, done: make(chan struct{})}
	if _, dup := x.ops[name]; !dup {
		x.opOrder = append(x.opOrder, name)
	}
	x.ops[name] = ro
	go x.do(ro, hop, o, endpoints)
	if o.Async {
		x.event(fmt.Sprintf("client: %s (async, as %s)", desc, name))
		return
	}
	<-ro.done
	x.reportOp(ro)
}

// endpointsFor is where an operation goes: the named node only, or for "leader" the current
// leader first and then every other member (the client fails over). target is "" when no single
// node is meant.
func (x *realExecutor) endpointsFor(on string) (endpoints []string, target string, err error) {
	if on == "" || on == "leader" {
		lead, _ := x.leader(x.st.Nodes)
		var urls []string
		if lead != "" {
			urls = append(urls, x.c.ClientURL(lead))
		}
		for _, n := range x.st.Nodes {
			if n != lead {
				urls = append(urls, x.c.ClientURL(n))
			}
		}
		return urls, lead, nil
	}
	name, err := x.resolve(on)
	if err != nil {
		return nil, "", err
	}
	return []string{x.c.ClientURL(name)}, name, nil
}

// do performs the operation and records it in the history.
func (x *realExecutor) do(ro *realOp, hop history.Op, o *story.Op, endpoints []string) {
	cl, err := v2client.New(endpoints, v2client.Options{Timeout: x.timeout})
	ctx, cancel := context.WithTimeout(context.Background(), x.timeout)
	defer cancel()
	hop.Call = x.now()
	var resp *v2client.Response
	if err == nil {
		resp, err = x.send(ctx, cl, hop, o)
	}
	hop.Return = x.now()
	classify(&hop, resp, err)
	x.mu.Lock()
	ro.op, ro.err = hop, err
	x.history = append(x.history, hop)
	x.mu.Unlock()
	close(ro.done)
}

// send issues the request that the operation's kind stands for.
func (x *realExecutor) send(ctx context.Context, cl *v2client.Client, hop history.Op, o *story.Op) (*v2client.Response, error) {
	set := v2client.SetOptions{TTL: o.TTL, HasTTL: o.HasTTL}
	switch hop.Kind {
	case history.KindGet, history.KindQGet:
		return cl.Get(ctx, hop.Key, v2client.GetOptions{Quorum: hop.Kind == history.KindQGet, Recursive: o.Recursive})
	case history.KindCreate:
		set.PrevExist = v2client.PrevNoExist
	case history.KindUpdate:
		set.PrevExist = v2client.PrevExist
	case history.KindCAS:
		set.PrevValue, set.PrevIndex = hop.PrevValue, hop.PrevIndex
	case history.KindDelete:
		return cl.Delete(ctx, hop.Key, v2client.DeleteOptions{Recursive: o.Recursive})
	case history.KindCAD:
		return cl.Delete(ctx, hop.Key, v2client.DeleteOptions{PrevValue: hop.PrevValue, PrevIndex: hop.PrevIndex})
	}
	return cl.Set(ctx, hop.Key, hop.Value, set)
}

// classify fills the operation's outcome from the answer. Only a v2 key error (codes below 300)
// proves that a request had no effect; anything else (timeouts, lost connections, 5xx, Raft
// errors) leaves the outcome unknown, which is always sound for the checker.
func classify(hop *history.Op, resp *v2client.Response, err error) {
	if err == nil {
		hop.Outcome = history.OutcomeOK
		if resp != nil && resp.Node != nil {
			hop.Index = resp.Node.ModifiedIndex
			if hop.Kind.IsRead() {
				hop.Found, hop.Result = true, resp.Node.Value
			}
			if hop.TTL > 0 && resp.Node.Expiration != nil {
				hop.Expiration = resp.Node.Expiration.UnixNano()
			}
		}
		return
	}
	var ve *v2client.Error
	switch {
	case errors.As(err, &ve) && hop.Kind.IsRead() && ve.ErrorCode == history.ErrCodeKeyNotFound:
		hop.Outcome, hop.Found = history.OutcomeOK, false
	case errors.As(err, &ve) && ve.ErrorCode < 300:
		hop.Outcome, hop.ErrorCode = history.OutcomeFail, ve.ErrorCode
	default:
		hop.Outcome = history.OutcomeUnknown
	}
}

// mkdir creates a directory; it is not a register operation, so it is not in the history.
func (x *realExecutor) mkdir(s *story.Stmt) {
	endpoints, _, err := x.endpointsFor(s.Op.On)
	if err != nil {
		x.failf(s.Pos, "expected a node to send mkdir to, got %v", err)
		return
	}
	cl, err := v2client.New(endpoints, v2client.Options{Timeout: x.timeout})
	if err == nil {
		ctx, cancel := context.WithTimeout(context.Background(), x.timeout)
		_, err = cl.Set(ctx, s.Op.Key, "", v2client.SetOptions{Dir: true, TTL: s.Op.TTL, HasTTL: s.Op.HasTTL})
		cancel()
	}
	if err != nil {
		x.event(fmt.Sprintf("client: mkdir %s -> %v", s.Op.Key, err))
		return
	}
	x.event(fmt.Sprintf("client: mkdir %s -> ok", s.Op.Key))
}

// indexOf is the modifiedIndex a completed, successful operation got.
func (x *realExecutor) indexOf(name string) (uint64, error) {
	ro, ok := x.ops[name]
	switch {
	case !ok:
		return 0, fmt.Errorf("no operation called %q", name)
	case !ro.finished():
		return 0, fmt.Errorf("%s is still running", name)
	}
	op, _ := x.result(ro)
	if op.Outcome != history.OutcomeOK {
		return 0, fmt.Errorf("%s did not succeed (%s)", name, op.Outcome)
	}
	return op.Index, nil
}

// result is a finished operation's record and error.
func (x *realExecutor) result(ro *realOp) (history.Op, error) {
	x.mu.Lock()
	defer x.mu.Unlock()
	return ro.op, ro.err
}

// reportOp narrates a finished operation once.
func (x *realExecutor) reportOp(ro *realOp) {
	if ro.desc == "" {
		return
	}
	x.event(fmt.Sprintf("client: %s -> %s", ro.desc, x.outcomeText(ro)))
	ro.desc = ""
}

// reportAsync narrates async operations that finished since they were last looked at.
func (x *realExecutor) reportAsync() {
	for _, name := range x.opOrder {
		if ro := x.ops[name]; ro.finished() {
			x.reportOp(ro)
		}
	}
}

// outcomeText describes what a finished operation got.
func (x *realExecutor) outcomeText(ro *realOp) string {
	if !ro.finished() {
		return "still running"
	}
	op, err := x.result(ro)
	switch op.Outcome {
	case history.OutcomeOK:
		if op.Kind.IsRead() {
			if !op.Found {
				return "ok, not found"
			}
			return fmt.Sprintf("ok, value %s (etcd index %d)", op.Result, op.Index)
		}
		return fmt.Sprintf("ok (etcd index %d)", op.Index)
	case history.OutcomeFail:
		return fmt.Sprintf("fail: %v", err)
	}
	return fmt.Sprintf("timeout (outcome unknown: %v)", err)
}
