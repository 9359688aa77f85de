package observe

import (
	"errors"
	"fmt"

	"github.com/raftlab/raftlab/checker/history"
	"github.com/raftlab/raftlab/core/store"
	"github.com/raftlab/raftlab/netsim"
	"github.com/raftlab/raftlab/netsim/nodehost"
)

// Committed records every event the key space committed, in index order, by following one node's
// store and moving to another node when that one goes down. Applied entries are committed, so what a
// store emits is the ground truth watchers are owed. It reads the store's event history (a watch on
// "/" from the next index it wants, opened and closed at every drain) rather than a live stream:
// live recursive delivery leaves out hidden keys (a segment starting with "_"), the history does not.
//
// Attach it to the simulation after netsim.New (it is an Observer, so it must also be in
// Config.Observers); it drains the followed store whenever that node applies entries.
type Committed struct {
	netsim.NopObserver
	sim    *netsim.Sim
	source uint64
	st     *store.Store
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

// Events returns the committed events recorded so far, in index order. The followed node may lag
// (it was cut off): whatever a more advanced live node applied is recorded too.
func (c *Committed) Events() []history.WatchEvent {
	c.drain()
	for _, id := range c.sim.Nodes() {
		if st := nodehost.Store(c.sim, id); st != nil && c.gap == nil && st.Index() >= c.next {
			c.follow(id)
			c.drain()
		}
	}
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

func (c *Committed) drop() { c.source, c.st = 0, nil }

// follow makes node's store the one followed, if it is up.
func (c *Committed) follow(node uint64) {
	if st := nodehost.Store(c.sim, node); st != nil {
		c.source, c.st = node, st
	}
}

// drain reads the followed store's history from the next index on into the record. A watch replays
// at most a buffer's worth of events (then the store closes it), so it watches again until the
// history has nothing more.
func (c *Committed) drain() {
	for c.st != nil && c.st.Index() >= c.next {
		w, err := c.st.Watch("/", true, true, c.next)
		if err != nil {
			var se *store.Error
			if errors.As(err, &se) && se.ErrorCode == history.ErrCodeEventsCleared {
				c.gap = fmt.Errorf("observe: committed events from %d left n%d's history window: %w", c.next, c.source, err)
			}
			c.drop()
			return
		}
		got := 0
	read:
		for {
			select {
			case ev, ok := <-w.EventChan():
				if !ok {
					break read
				}
				got++
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
				break read
			}
		}
		w.Remove()
		if got == 0 {
			// The indexes left are the internal namespace's, which no user watch sees.
			return
		}
	}
}

// Ensure the recorder sees crashes of the node it follows as well as applies.
var _ netsim.Observer = (*Committed)(nil)
