package netsim

import (
	"errors"
	"fmt"

	"github.com/raftlab/raftlab/checker/history"
)

// WatchSpec is one stream watcher the simulator runs for the whole run.
type WatchSpec struct {
	Key       string
	Recursive bool
	// FromIndex is the first index the watcher asks for (default 1: everything).
	FromIndex uint64
	// Start is when the watcher connects.
	Start int64
}

// watcher is one watching client: it keeps one stream open on some node and, when the stream
// breaks (node crash, watcher dropped for falling behind), reconnects from the next index it wants.
type watcher struct {
	cs     *clientSet
	c      *client
	spec   WatchSpec
	rec    history.WatchRecord
	next   uint64 // next index wanted
	node   uint64 // node of the open stream (0 = none)
	stream *watchSession
	done   bool
	opened bool // a stream was open at some point (else nothing was owed)
	// reached is the highest store index a node had while this watcher's stream on it was open and
	// intact: every event up to it was owed and delivered (a store queues a watcher's events as it
	// applies them). A stream that breaks later does not make those events unowed.
	reached uint64
}

// watchSession is an open stream on one node.
type watchSession struct {
	w      *watcher
	stream WatchStream
}

// reconnectDelay is how long a watcher waits before reconnecting after its stream broke.
const reconnectDelay = int64(100e6)

func (cs *clientSet) startWatch(spec WatchSpec) error {
	if spec.Key == "" {
		return errors.New("netsim: watch: empty key")
	}
	if spec.FromIndex == 0 {
		spec.FromIndex = 1
	}
	c := cs.newClient(false)
	w := &watcher{cs: cs, c: c, spec: spec, next: spec.FromIndex,
		rec: history.WatchRecord{Client: c.id, Prefix: spec.Key, Recursive: spec.Recursive, FromIndex: spec.FromIndex}}
	cs.watchers = append(cs.watchers, w)
	cs.sim.schedule(spec.Start, w.connect)
	return nil
}

// Watch opens a stream watcher during the run (at spec.Start, or now if that is earlier) and returns
// the position of its record in WatchRecords.
func (s *Sim) Watch(spec WatchSpec) (int, error) {
	if spec.Start < s.Now() {
		spec.Start = s.Now()
	}
	if err := s.clients.startWatch(spec); err != nil {
		return 0, err
	}
	return len(s.clients.watchers) - 1, nil
}

// connect opens a stream on the watcher's current node (after the client latency).
func (w *watcher) connect() {
	if w.done {
		return
	}
	s := w.cs.sim
	nodes := s.endpoints()
	target := nodes[w.c.node%len(nodes)]
	at := s.now + w.cs.cfg.Latency.draw(w.c.rng)
	s.schedule(at, func() {
		h := s.hosts[target]
		if h == nil || !h.alive {
			w.retry()
			return
		}
		h.inputOrLost("watch", fmt.Sprintf("c%d %s from=%d", w.c.id, w.spec.Key, w.next), func() {
			if !h.serving() {
				s.tracef("watcherr", h.name, "c%d not serving yet", w.c.id)
				w.retry()
				return
			}
			stream, err := h.proc.Watch(w.spec.Key, w.spec.Recursive, w.next)
			if rw := (*RefusedWatch)(nil); errors.As(err, &rw) {
				err = wireError(rw.Wire)
			}
			var ce *CodeError
			switch {
			case errors.As(err, &ce) && ce.Code == history.ErrCodeEventsCleared:
				w.rec.Cleared = true
				w.done = true
				s.tracef("watchend", h.name, "c%d cleared at %d", w.c.id, w.next)
			case err != nil:
				s.tracef("watcherr", h.name, "c%d %v", w.c.id, err)
				w.retry()
			default:
				sess := &watchSession{w: w, stream: stream}
				w.stream, w.node, w.opened = sess, target, true
				h.watches = append(h.watches, sess)
			}
		}, func() {
			s.tracef("watcherr", h.name, "c%d crashed before it opened the stream", w.c.id)
			w.retry()
		})
	})
}

// retry moves the watcher to the next node and reconnects later.
func (w *watcher) retry() {
	w.c.node++
	w.cs.sim.schedule(w.cs.sim.now+reconnectDelay, w.connect)
}

// broken is called when the stream's node crashed.
func (sess *watchSession) broken() {
	w := sess.w
	if w.stream == sess {
		w.stream, w.node = nil, 0
		w.retry()
	}
}

// pollWatches collects events from every open stream of h.
func (h *host) pollWatches() {
	if len(h.watches) == 0 {
		return
	}
	kept := h.watches[:0]
	applied := h.proc.Status().EtcdIndex // every event up to it is queued on the open streams
	for _, sess := range h.watches {
		events, closed := sess.stream.Poll()
		w := sess.w
		for _, e := range events {
			if e.Line != nil {
				live := e.Live
				e = decodeWatchEvent(e)
				e.Live = live
			}
			w.rec.Events = append(w.rec.Events, history.WatchEvent{Action: e.Action, Key: e.Key, Index: e.Index, Dir: e.Dir, Live: e.Live})
			if e.Index >= w.next {
				w.next = e.Index + 1
			}
		}
		if closed {
			h.sim.tracef("watchend", h.name, "c%d closed next=%d", w.c.id, w.next)
			w.stream, w.node = nil, 0
			w.cs.sim.schedule(h.sim.now+reconnectDelay, w.connect)
			continue
		}
		w.reached = max(w.reached, applied)
		kept = append(kept, sess)
	}
	clear(h.watches[len(kept):])
	h.watches = kept
}

// WatchRecords returns what every watcher received so far. Until is set to the index each watcher
// is owed up to: the highest store index of a node while its stream there was open (events up to it
// were owed then, even if the stream broke later), or the last index it received; a watcher no member
// has served yet is NeverOpened (owed nothing).
func (s *Sim) WatchRecords() []history.WatchRecord {
	var out []history.WatchRecord
	for _, w := range s.clients.watchers {
		rec := w.rec
		rec.Events = append([]history.WatchEvent(nil), w.rec.Events...)
		rec.Until = max(w.next-1, w.reached)
		if h := s.hosts[w.node]; w.stream != nil && h != nil && h.alive {
			if idx := h.proc.Status().EtcdIndex; idx > rec.Until {
				rec.Until = idx
			}
		}
		if rec.Cleared {
			rec.Until = 0
		}
		rec.NeverOpened = !w.opened && !rec.Cleared
		out = append(out, rec)
	}
	return out
}
