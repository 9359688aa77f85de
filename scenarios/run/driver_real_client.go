package run

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	client "go.etcd.io/etcd/client/v2"

	"github.com/raftlab/raftlab/checker/history"
	"github.com/raftlab/raftlab/scenarios/realproc"
)

// realCall is a client operation (or membership change) running against the real cluster: the
// official etcd v2 client in a goroutine of its own.
type realCall struct {
	d    *realDriver
	done chan struct{}
	// Set once done is closed (under d.mu):
	op    history.Op
	err   error
	cause string
}

func (c *realCall) Done() bool {
	select {
	case <-c.done:
		return true
	default:
		return false
	}
}

func (c *realCall) Op() history.Op {
	c.d.mu.Lock()
	defer c.d.mu.Unlock()
	return c.op
}

func (c *realCall) Err() error {
	c.d.mu.Lock()
	defer c.d.mu.Unlock()
	return c.err
}

func (c *realCall) Cause() string {
	c.d.mu.Lock()
	defer c.d.mu.Unlock()
	return c.cause
}

// startCall runs do in a goroutine with a context ending after timeout, records what it returns
// (in the history when record is set) and completes the call.
func (d *realDriver) startCall(hop history.Op, timeout time.Duration, record bool,
	do func(ctx context.Context) (*client.Response, error)) *realCall {
	c := &realCall{d: d, done: make(chan struct{})}
	d.mu.Lock()
	d.clients++
	hop.Client = d.clients
	d.calls = append(d.calls, c)
	d.mu.Unlock()
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		hop.Call = d.Now()
		resp, err := do(ctx)
		hop.Return = d.Now()
		classify(&hop, resp, err)
		var ce client.Error
		d.mu.Lock()
		c.op, c.err = hop, err
		if errors.As(err, &ce) {
			c.cause = ce.Cause
		}
		if record {
			d.history = append(d.history, hop)
		}
		d.mu.Unlock()
		close(c.done)
	}()
	return c
}

// keys is a keys API client of the given members: the first is tried first, the client moves on to
// the next one when a member cannot be reached or answers 500/503.
func keys(urls []string) (client.KeysAPI, error) {
	c, err := client.New(client.Config{Endpoints: urls, Transport: client.DefaultTransport})
	if err != nil {
		return nil, err
	}
	return client.NewKeysAPI(c), nil
}

// endpoints is where an operation goes: node target only, or (0) the leader first and then every
// other member that was not removed.
func (d *realDriver) endpoints(target uint64) []string {
	if target != 0 {
		if m := d.member(target); m != nil {
			return []string{m.ClientURL}
		}
		return nil
	}
	lead, _ := d.Leader()
	var urls []string
	if m := d.member(lead); lead != 0 && m != nil {
		urls = append(urls, m.ClientURL)
	}
	for _, id := range d.Nodes() {
		if m := d.member(id); id != lead && m != nil && !d.c.Removed(m.Name) {
			urls = append(urls, m.ClientURL)
		}
	}
	return urls
}

func (d *realDriver) Do(r Request, target uint64) (Call, error) {
	if !r.Kind.IsRead() && !r.Kind.IsWrite() {
		return nil, fmt.Errorf("unknown operation %q", r.Kind)
	}
	d.open()
	kapi, err := keys(d.endpoints(target))
	if err != nil {
		return nil, err
	}
	hop := history.Op{Kind: r.Kind, Key: r.Key, PrevValue: r.PrevValue, PrevIndex: r.PrevIndex}
	if target != 0 {
		hop.Node = d.Name(target)
	}
	if r.Kind.WritesValue() {
		hop.Value = r.Value
		if r.HasTTL {
			hop.TTL = int64(r.TTL)
			d.followExpiries() // the key may expire: the checker needs to know when
		}
	}
	return d.startCall(hop, d.timeout, true, func(ctx context.Context) (*client.Response, error) {
		return send(ctx, kapi, r)
	}), nil
}

// send issues the request that the operation's kind stands for.
func send(ctx context.Context, kapi client.KeysAPI, r Request) (*client.Response, error) {
	set := client.SetOptions{}
	if r.HasTTL {
		set.TTL = r.TTL
	}
	switch r.Kind {
	case history.KindGet, history.KindQGet:
		return kapi.Get(ctx, r.Key, &client.GetOptions{Quorum: r.Kind == history.KindQGet, Recursive: r.Recursive})
	case history.KindCreate:
		set.PrevExist = client.PrevNoExist
	case history.KindUpdate:
		set.PrevExist = client.PrevExist
	case history.KindCAS:
		set.PrevValue, set.PrevIndex = r.PrevValue, r.PrevIndex
	case history.KindDelete:
		return kapi.Delete(ctx, r.Key, &client.DeleteOptions{Recursive: r.Recursive})
	case history.KindCAD:
		return kapi.Delete(ctx, r.Key, &client.DeleteOptions{PrevValue: r.PrevValue, PrevIndex: r.PrevIndex})
	}
	return kapi.Set(ctx, r.Key, r.Value, &set)
}

// classify fills the operation's outcome from the answer. Only a v2 key error (codes below 300)
// proves that a request had no effect; anything else (timeouts, lost connections, 5xx, Raft
// errors) leaves the outcome unknown, which is always sound for the checker.
func classify(hop *history.Op, resp *client.Response, err error) {
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
	var ce client.Error
	var ae *realproc.APIError
	switch {
	case errors.As(err, &ce) && hop.Kind.IsRead() && ce.Code == history.ErrCodeKeyNotFound:
		hop.Outcome, hop.Found = history.OutcomeOK, false
	case errors.As(err, &ce) && ce.Code < 300:
		hop.Outcome, hop.ErrorCode = history.OutcomeFail, ce.Code
	case errors.As(err, &ae) && ae.Status >= 400 && ae.Status < 500:
		hop.Outcome = history.OutcomeFail
	default:
		hop.Outcome = history.OutcomeUnknown
	}
}

func (d *realDriver) CallBudget(uint64) int64 { return int64(d.timeout + finishGrace) }

func (d *realDriver) Mkdir(key string, ttl time.Duration, hasTTL bool) (Call, error) {
	d.open()
	kapi, err := keys(d.endpoints(0))
	if err != nil {
		return nil, err
	}
	opts := client.SetOptions{Dir: true}
	if hasTTL {
		opts.TTL = ttl
	}
	return d.startCall(history.Op{Kind: history.KindSet, Key: key}, d.timeout, false,
		func(ctx context.Context) (*client.Response, error) { return kapi.Set(ctx, key, "", &opts) }), nil
}

// History is the client operations so far and, when the story wrote TTL keys, the expiries the
// cluster made (once the expiry watch has caught up), in return order.
func (d *realDriver) History() []history.Op {
	d.mu.Lock()
	ops := append([]history.Op(nil), d.history...)
	d.mu.Unlock()
	if d.expiries == nil {
		return ops
	}
	if err := d.settleExpiries(); err != nil {
		d.event(d.Now(), fmt.Sprintf("the TTL expiries may be incomplete: %v", err))
	}
	ops = append(ops, d.expiries.copyRecords()...)
	sort.SliceStable(ops, func(i, j int) bool { return ops[i].Return < ops[j].Return })
	return ops
}
