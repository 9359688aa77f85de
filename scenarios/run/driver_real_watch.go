package run

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	client "go.etcd.io/etcd/client/v2"

	"github.com/raftlab/raftlab/checker/history"
)

// realWatch is a story's watch on the real cluster: a v2 long-poll watcher of the official client
// that follows the key from the index after the cluster's when the `watch` statement ran, moving to
// another member when its member goes down and resuming from the next index it is owed.
type realWatch struct {
	since  uint64
	cancel context.CancelFunc
	done   chan struct{}

	mu     sync.Mutex
	events []string // "action key", in index order
	err    error    // why the watch stopped early, if it did
}

// watchClient is a keys API client of every member, for watches: no timeout, a watch waits as long
// as it must.
func (d *realDriver) watchClient() (client.KeysAPI, error) { return keys(d.endpoints(0)) }

// indexAttempts is how many times the driver asks for the cluster's index before a watch: a quorum
// read can be lost with a peer stream that a fault closed, and a watch must not miss its start.
const indexAttempts = 5

// clusterIndex is the cluster's etcd index, read with a quorum GET of the root (asked again, each
// time with a fresh client timeout, when no answer comes).
func (d *realDriver) clusterIndex(kapi client.KeysAPI) (uint64, error) {
	var err error
	for range indexAttempts {
		ctx, cancel := context.WithTimeout(context.Background(), d.timeout)
		var resp *client.Response
		resp, err = kapi.Get(ctx, "/", &client.GetOptions{Quorum: true})
		cancel()
		if err == nil {
			return resp.Index, nil
		}
	}
	return 0, fmt.Errorf("%d quorum reads of / got no answer, the last: %w", indexAttempts, err)
}

func (d *realDriver) Watch(key string, recursive bool) (Watch, error) {
	d.open()
	kapi, err := d.watchClient()
	if err != nil {
		return nil, err
	}
	index, err := d.clusterIndex(kapi)
	if err != nil {
		return nil, fmt.Errorf("the cluster's index to start from: %w", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	w := &realWatch{since: index + 1, cancel: cancel, done: make(chan struct{})}
	d.watches = append(d.watches, w)
	go w.follow(ctx, kapi.Watcher(key, &client.WatcherOptions{AfterIndex: index, Recursive: recursive}))
	return w, nil
}

func (w *realWatch) Since() uint64 { return w.since }

func (w *realWatch) Events() ([]string, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.events...), w.err
}

// follow records the watcher's events until ctx ends or the server refuses the watch.
func (w *realWatch) follow(ctx context.Context, watcher client.Watcher) {
	defer close(w.done)
	err := followEvents(ctx, watcher, func(resp *client.Response) {
		w.mu.Lock()
		w.events = append(w.events, resp.Action+" "+resp.Node.Key)
		w.mu.Unlock()
	})
	w.mu.Lock()
	w.err = err
	w.mu.Unlock()
}

// stop ends the watch and waits for its goroutine.
func (w *realWatch) stop() {
	w.cancel()
	<-w.done
}

// followEvents hands each event with a node to record until ctx ends (nil) or the server refuses
// the watch (a v2 error such as 401 "the event in requested index is outdated and cleared", which
// it returns). Lost connections are retried.
func followEvents(ctx context.Context, watcher client.Watcher, record func(*client.Response)) error {
	for {
		resp, err := watcher.Next(ctx)
		if ctx.Err() != nil {
			return nil
		}
		var ce client.Error
		if errors.As(err, &ce) {
			return err
		}
		if err != nil {
			select {
			case <-ctx.Done():
				return nil
			case <-time.After(realPoll):
			}
			continue
		}
		if resp.Node != nil {
			record(resp)
		}
	}
}

// realBarrierKey is the key the driver writes to know that its expiry watch has caught up.
const realBarrierKey = "/raftlab/expiry-barrier"

// realExpiries follows every event of the key space with a recursive watch of "/", started with
// the first write that asks for a TTL, and keeps an expire record (checker/history) for each key the
// cluster expires: TTL keys vanish without a client operation, and the checker needs to know when.
//
// A real cluster shows no expiry entries, only the expire events, so a record's clock is unknown (0)
// and there are no sync records: the checker then asks only that an expired key had a TTL. Its
// interval starts at the key's expiration (every member and the leader read this machine's clock,
// and the leader expires a key only once its clock reaches the expiration) and ends when the event
// was received.
type realExpiries struct {
	d      *realDriver
	cancel context.CancelFunc
	done   chan struct{}

	mu      sync.Mutex
	records []history.Op
	seen    uint64 // the highest index received
	err     error  // why the watch stopped, if it did
}

// followExpiries starts following the cluster's expire events, once.
func (d *realDriver) followExpiries() {
	if d.expiries != nil {
		return
	}
	kapi, err := d.watchClient()
	var index uint64
	if err == nil {
		index, err = d.clusterIndex(kapi)
	}
	if err != nil {
		d.event(d.Now(), fmt.Sprintf("cannot follow the cluster's TTL expiries (%v): the checker will not know when TTL keys expired", err))
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	d.expiries = &realExpiries{d: d, cancel: cancel, done: make(chan struct{})}
	go d.expiries.follow(ctx, kapi.Watcher("/", &client.WatcherOptions{AfterIndex: index, Recursive: true}))
	d.event(d.Now(), fmt.Sprintf("following the cluster's TTL expiries from index %d", index+1))
}

// follow records expire events until ctx ends or the server refuses the watch.
func (e *realExpiries) follow(ctx context.Context, watcher client.Watcher) {
	defer close(e.done)
	err := followEvents(ctx, watcher, e.received)
	e.mu.Lock()
	e.err = err
	e.mu.Unlock()
}

// received records one event.
func (e *realExpiries) received(resp *client.Response) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.seen = max(e.seen, resp.Node.ModifiedIndex)
	if resp.Action != "expire" {
		return
	}
	op := history.Op{Kind: history.KindExpire, Key: resp.Node.Key, Outcome: history.OutcomeOK,
		Index: resp.Node.ModifiedIndex, Return: e.d.Now()}
	if resp.PrevNode != nil && resp.PrevNode.Expiration != nil {
		op.Call = max(0, int64(resp.PrevNode.Expiration.Sub(e.d.start)))
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
// far: it writes a barrier key and waits (at most realLag) until the watch sees that write, which
// comes after every earlier event. It says why it could not, when it could not.
func (d *realDriver) settleExpiries() error {
	kapi, err := keys(d.endpoints(0))
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), d.timeout)
	resp, err := kapi.Set(ctx, realBarrierKey, fmt.Sprint(d.Now()), nil)
	cancel()
	if err != nil {
		return fmt.Errorf("barrier write: %w", err)
	}
	deadline := time.Now().Add(realLag)
	for {
		ok, werr := d.expiries.caughtUp(resp.Node.ModifiedIndex)
		switch {
		case ok:
			return nil
		case werr != nil:
			return fmt.Errorf("the expiry watch stopped: %w", werr)
		case time.Now().After(deadline):
			return fmt.Errorf("the expiry watch did not reach index %d within %v", resp.Node.ModifiedIndex, realLag)
		}
		time.Sleep(realPoll)
	}
}
