package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/raftlab/raftlab/cmd/internal/v2client"
	"github.com/raftlab/raftlab/scenarios/story"
)

// realWatchSettle is how long `expect watch` waits for the events it expects to arrive: a real
// watcher hears of a change a little after the write returned.
const realWatchSettle = 3 * time.Second

// realWatch is a story's watch on the real cluster: a v2 long-poll watcher that follows the key from
// the index after the cluster's index when the `watch` statement ran, moving to another member when
// its member goes down and resuming from the next index it is owed (as etcd's clients do).
type realWatch struct {
	since  uint64
	cancel context.CancelFunc
	done   chan struct{}

	mu     sync.Mutex
	events []string // "action key", in index order
	err    error    // why the watch stopped early, if it did
}

// watch starts a story's watch.
func (x *realExecutor) watch(s *story.Stmt) {
	o := s.Op
	if _, dup := x.watches[o.Name]; dup {
		x.failf(s.Pos, "expected a new watch name, got %q again", o.Name)
		return
	}
	var endpoints []string
	for _, n := range x.st.Nodes {
		endpoints = append(endpoints, x.c.ClientURL(n))
	}
	cl, err := v2client.New(endpoints, v2client.Options{}) // no timeout: a watch waits as long as it must
	if err != nil {
		x.failf(s.Pos, "expected a watch client, got %v", err)
		return
	}
	index, err := x.clusterIndex(cl)
	if err != nil {
		x.failf(s.Pos, "expected the cluster's index to start watch %s from, got %v", o.Name, err)
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	w := &realWatch{since: index + 1, cancel: cancel, done: make(chan struct{})}
	x.watches[o.Name] = w
	go w.follow(ctx, cl.Watch(o.Key, v2client.WatchOptions{AfterIndex: index, Recursive: o.Recursive}))
	rec := ""
	if o.Recursive {
		rec = " recursive"
	}
	x.event(fmt.Sprintf("client: watch %s%s from index %d (as %s)", o.Key, rec, w.since, o.Name))
}

// clusterIndex is the cluster's etcd index, read with a quorum GET of the root.
func (x *realExecutor) clusterIndex(cl *v2client.Client) (uint64, error) {
	ctx, cancel := context.WithTimeout(context.Background(), x.timeout)
	defer cancel()
	resp, err := cl.Get(ctx, "/", v2client.GetOptions{Quorum: true})
	if err != nil {
		return 0, err
	}
	return resp.Index, nil
}

// follow records the watcher's events until ctx ends or the server refuses the watch.
func (w *realWatch) follow(ctx context.Context, watcher *v2client.Watcher) {
	defer close(w.done)
	err := followEvents(ctx, watcher, func(resp *v2client.Response) {
		w.mu.Lock()
		w.events = append(w.events, resp.Action+" "+resp.Node.Key)
		w.mu.Unlock()
	})
	w.mu.Lock()
	w.err = err
	w.mu.Unlock()
}

// followEvents hands each event with a node to record until ctx ends (nil) or the server refuses
// the watch (a v2 error such as 401 "the event in requested index is outdated and cleared", which
// it returns). Lost connections are retried.
func followEvents(ctx context.Context, watcher *v2client.Watcher, record func(*v2client.Response)) error {
	for {
		resp, err := watcher.Next(ctx)
		if ctx.Err() != nil {
			return nil
		}
		var ve *v2client.Error
		if errors.As(err, &ve) {
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

// seen returns the events recorded so far and why the watch stopped, if it did.
func (w *realWatch) seen() ([]string, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.events...), w.err
}

// stop ends the watch and waits for its goroutine.
func (w *realWatch) stop() {
	w.cancel()
	<-w.done
}

// expectWatch checks `expect watch NAME events: ...`, giving late events realWatchSettle to arrive.
func (x *realExecutor) expectWatch(pos story.Pos, e *story.Expect) {
	w, ok := x.watches[e.Name]
	if !ok {
		x.failf(pos, "expected watch %s events, got no watch called %q", e.Name, e.Name)
		return
	}
	want := strings.Join(e.Events, ", ")
	deadline := time.Now().Add(realWatchSettle)
	for {
		got, err := w.seen()
		switch {
		case strings.Join(got, ", ") == want:
			x.pass(pos, fmt.Sprintf("watch %s saw %s", e.Name, orNoneReal(got)))
			return
		case err != nil || time.Now().After(deadline):
			msg := fmt.Sprintf("expected watch %s events: %s, got: %s", e.Name, want, orNoneReal(got))
			if err != nil {
				msg += fmt.Sprintf(" (the watch stopped: %v)", err)
			}
			x.failf(pos, "%s", msg)
			return
		}
		time.Sleep(realPoll)
	}
}

// stopWatches ends every watch of the run.
func (x *realExecutor) stopWatches() {
	for _, w := range x.watches {
		w.stop()
	}
	if x.expiries != nil {
		x.expiries.stop()
	}
}

// orNoneReal is the list, or "none".
func orNoneReal(events []string) string {
	if len(events) == 0 {
		return "none"
	}
	return strings.Join(events, ", ")
}
