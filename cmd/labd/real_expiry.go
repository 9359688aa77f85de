package main

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/raftlab/raftlab/checker/history"
	"github.com/raftlab/raftlab/cmd/internal/v2client"
)

// realBarrierKey is the key labd real writes to know that its expiry watch has caught up.
const realBarrierKey = "/raftlab/expiry-barrier"

// realExpiries follows every event of the key space with a recursive watch of "/", started with
// the first write that asks for a TTL, and keeps an expire record (checker/history) for each key the
// cluster expires: TTL keys vanish without a client operation, and the checker needs to know when.
//
// A real cluster shows no expiry entries, only the expire events, so a record's clock is unknown (0)
// and there are no sync records: the checker then asks only that an expired key had a TTL. Its
// interval starts at the key's expiration (every member and the leader read this machine's clock, and
// the leader expires a key only once its clock reaches the expiration) and ends when the event was
// received.
type realExpiries struct {
	start  time.Time
	cancel context.CancelFunc
	done   chan struct{}

	mu      sync.Mutex
	records []history.Op
	seen    uint64 // the highest index received
	err     error  // why the watch stopped, if it did
}

// expiryWatch starts following the cluster's expire events, once; nil when it cannot start.
func (x *realExecutor) expiryWatch() *realExpiries {
	if x.expiries != nil {
		return x.expiries
	}
	var endpoints []string
	for _, n := range x.st.Nodes {
		endpoints = append(endpoints, x.c.ClientURL(n))
	}
	cl, err := v2client.New(endpoints, v2client.Options{})
	if err == nil {
		var index uint64
		if index, err = x.clusterIndex(cl); err == nil {
			ctx, cancel := context.WithCancel(context.Background())
			x.expiries = &realExpiries{start: x.start, cancel: cancel, done: make(chan struct{})}
			go x.expiries.follow(ctx, cl.Watch("/", v2client.WatchOptions{AfterIndex: index, Recursive: true}))
			x.event(fmt.Sprintf("following the cluster's TTL expiries from index %d", index+1))
			return x.expiries
		}
	}
	x.event(fmt.Sprintf("cannot follow the cluster's TTL expiries (%v): the checker will not know when TTL keys expired", err))
	return nil
}

// follow records expire events until ctx ends or the server refuses the watch.
func (e *realExpiries) follow(ctx context.Context, watcher *v2client.Watcher) {
	defer close(e.done)
	err := followEvents(ctx, watcher, e.received)
	e.mu.Lock()
	e.err = err
	e.mu.Unlock()
}

// received records one event.
func (e *realExpiries) received(resp *v2client.Response) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.seen = max(e.seen, resp.Node.ModifiedIndex)
	if resp.Action != "expire" {
		return
	}
	op := history.Op{Kind: history.KindExpire, Key: resp.Node.Key, Outcome: history.OutcomeOK,
		Index: resp.Node.ModifiedIndex, Return: int64(time.Since(e.start))}
	if resp.PrevNode != nil && resp.PrevNode.Expiration != nil {
		op.Call = max(0, int64(resp.PrevNode.Expiration.Sub(e.start)))
	}
	op.Call = min(op.Call, op.Return)
	e.records = append(e.records, op)
}

// caughtUp says whether every event up to index was received, and why not when the watch stopped.
func (e *realExpiries) caughtUp(index uint64) (bool, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.seen >= index, e.err
}

// copyRecords returns the expire records so far.
func (e *realExpiries) copyRecords() []history.Op {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]history.Op(nil), e.records...)
}

// stop ends the watch and waits for its goroutine.
func (e *realExpiries) stop() {
	e.cancel()
	<-e.done
}

// settleExpiries makes sure the expiry watch has received every expiry the cluster committed so
// far: it writes a barrier key and waits (at most realWatchSettle) until the watch sees that write,
// which comes after every earlier event. It says why it could not, when it could not.
func (x *realExecutor) settleExpiries() error {
	e := x.expiries
	if e == nil {
		return nil
	}
	var endpoints []string
	for _, n := range x.st.Nodes {
		endpoints = append(endpoints, x.c.ClientURL(n))
	}
	cl, err := v2client.New(endpoints, v2client.Options{Timeout: x.timeout})
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), x.timeout)
	resp, err := cl.Set(ctx, realBarrierKey, fmt.Sprint(x.now()), v2client.SetOptions{})
	cancel()
	if err != nil {
		return fmt.Errorf("barrier write: %w", err)
	}
	deadline := time.Now().Add(realWatchSettle)
	for {
		ok, werr := e.caughtUp(resp.Node.ModifiedIndex)
		switch {
		case ok:
			return nil
		case werr != nil:
			return fmt.Errorf("the expiry watch stopped: %w", werr)
		case time.Now().After(deadline):
			return fmt.Errorf("the expiry watch did not reach index %d within %v", resp.Node.ModifiedIndex, realWatchSettle)
		}
		time.Sleep(realPoll)
	}
}

// checkedHistory is the history a verdict is computed from and a history file holds: the client
// operations and, when the story wrote TTL keys, the expiries received, in return order.
func (x *realExecutor) checkedHistory() []history.Op {
	if err := x.settleExpiries(); err != nil {
		x.event(fmt.Sprintf("the TTL expiries may be incomplete: %v", err))
	}
	ops := x.historyCopy()
	if x.expiries != nil {
		ops = append(ops, x.expiries.copyRecords()...)
		sort.SliceStable(ops, func(i, j int) bool { return ops[i].Return < ops[j].Return })
	}
	return ops
}
