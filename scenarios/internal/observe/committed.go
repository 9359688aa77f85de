package observe

import (
	"errors"
	"fmt"

	"github.com/raftlab/raftlab/checker/history"
	"github.com/raftlab/raftlab/core/store"
	"github.com/raftlab/raftlab/netsim"
	"github.com/raftlab/raftlab/netsim/realnode"
)

// Committed records every event the key space committed, in index order, by following one node's
// store with a stream watch on "/" and moving to another node when that one goes down. Applied
// entries are committed, so what a store emits is the ground truth watchers are owed.
//
// Attach it to the simulation after netsim.New (it is an Observer, so it must also be in
// Config.Observers); it drains the followed store whenever that node applies entries.
type Committed struct {
	netsim.NopObserver
	sim    *netsim.Sim
	source uint64
	st     *store.Store
	w      *store.Watcher
	next   uint64
	events []history.WatchEvent
	// gap is set when the record could not be kept complete (the next event had left every
	// reachable store's history window).
	gap error
	// exp records the TTL expiries for the history.
	exp expiry
}

// NewCommitted returns a recorder that owes events from index 1 on.
func NewCommitted() *Committed { return &Committed{next: 1} }

// Attach connects the recorder to its simulation.
func (c *Committed) Attach(sim *netsim.Sim) { c.sim = sim }

// Events returns the committed events recorded so far, in index order.
func (c *Committed) Events() []history.WatchEvent {
	c.drain()
	return append([]history.WatchEvent(nil), c.events...)
}

// Err reports why the record may be incomplete, or nil.
func (c *Committed) Err() error { return c.gap }

// OnApply follows the applying node when no node is followed, and drains the followed one.
func (c *Committed) OnApply(node, _, _, _ uint64, at int64) {
	if c.sim == nil || c.gap != nil {
		return
	}
	if c.source != 0 && c.source != node {
		return
	}
	c.follow(node)
	c.drain()
	c.recordExpiries(at)
}

// OnCommit notes how far the cluster has committed, to time the expiries.
func (c *Committed) OnCommit(_, commit uint64, at int64) { c.exp.committed(commit, at) }

// recordExpiries records the expiries the followed node has applied, at virtual time now.
func (c *Committed) recordExpiries(now int64) {
	var proc netsim.Process
	if c.source != 0 {
		proc = c.sim.Process(c.source)
	}
	if proc == nil {
		// Nothing followed: record what was drained, with what is known.
		c.exp.applied(c.exp.drained, now, nil)
		return
	}
	c.exp.applied(proc.Status().Applied, now, func(lo, hi uint64) []entryClock {
		return syncClocks(proc.LogRange(lo, hi))
	})
}

// WithExpiry returns a history of this simulation with what the cluster did about TTLs: the
// expiration of every ok write with a TTL, and the expire and sync records (see checker/history),
// merged in return order. The checker needs both to know when a key expired.
func (c *Committed) WithExpiry(ops []history.Op) []history.Op {
	c.drain()
	if c.sim != nil {
		c.recordExpiries(c.sim.Now())
	}
	return c.exp.withExpiry(ops)
}

// OnCrash stops following a crashed node.
func (c *Committed) OnCrash(node uint64, _ int64) {
	if node == c.source {
		c.drain()
		c.drop()
	}
}

func (c *Committed) drop() {
	if c.w != nil {
		c.w.Remove()
	}
	c.source, c.st, c.w = 0, nil, nil
}

// follow (re)opens the watch on node's store when it is not already open on its current store.
func (c *Committed) follow(node uint64) {
	st := realnode.Store(c.sim, node)
	if st == nil {
		return
	}
	if c.source == node && c.st == st {
		return
	}
	c.drop()
	w, err := st.Watch("/", true, true, c.next)
	if err != nil {
		var se *store.Error
		if errors.As(err, &se) && se.ErrorCode == history.ErrCodeEventsCleared {
			c.gap = fmt.Errorf("observe: committed events from %d left n%d's history window: %w", c.next, node, err)
		}
		return
	}
	c.source, c.st, c.w = node, st, w
}

// drain moves queued events from the followed store into the record.
func (c *Committed) drain() {
	if c.w == nil {
		return
	}
	for {
		select {
		case ev, ok := <-c.w.EventChan():
			if !ok {
				// The store dropped the watcher (it fell behind); reopen at the next event.
				node := c.source
				c.drop()
				c.follow(node)
				if c.w == nil {
					return
				}
				continue
			}
			if ev.Node == nil || ev.Node.ModifiedIndex < c.next {
				continue
			}
			rec := history.WatchEvent{Action: ev.Action, Key: ev.Node.Key, Index: ev.Node.ModifiedIndex, Dir: ev.Node.Dir}
			c.events = append(c.events, rec)
			c.next = ev.Node.ModifiedIndex + 1
			expiration := int64(0)
			if ev.Node.Expiration != nil {
				expiration = ev.Node.Expiration.UnixNano()
			}
			c.exp.event(rec, expiration)
		default:
			return
		}
	}
}

// Ensure the recorder sees crashes of the node it follows as well as applies.
var _ netsim.Observer = (*Committed)(nil)
