package store

import (
	"cmp"
	"slices"
	"strings"

	"github.com/raftlab/raftlab/core/mark"
)

// watcherBuffer is the capacity of a watcher's channel; a live event that does not fit drops the
// watcher (ETCD_V2_API.md §6).
const watcherBuffer = 100

// Watcher receives the events matching one watch request on EventChan.
type Watcher struct {
	store      *Store
	id         uint64 // registration order, for deterministic iteration
	key        string
	recursive  bool
	stream     bool
	sinceIndex uint64 // events below this index are not wanted
	startIndex uint64
	replayed   uint64 // the highest index sent from the event history (see ReplayedThrough)
	ch         chan *Event
	registered bool
	closed     bool
}

// EventChan is the buffered channel events are queued on. It is closed when the watcher is removed
// with Remove or dropped because its buffer overflowed.
func (w *Watcher) EventChan() <-chan *Event { return w.ch }

// StartIndex is the store index at registration (the X-Etcd-Index of the watch response).
func (w *Watcher) StartIndex() uint64 { return w.startIndex }

// Remove unregisters the watcher and closes its channel; queued events can still be read. It is
// safe to call more than once and from any goroutine.
func (w *Watcher) Remove() {
	w.store.mu.Lock()
	defer w.store.mu.Unlock()
	w.store.watchers.unregister(w)
	w.close()
}

// close closes the channel once.
func (w *Watcher) close() {
	if !w.closed {
		w.closed = true
		close(w.ch)
	}
}

// matches reports whether e concerns the watcher (ETCD_V2_API.md §6). live applies the hidden-segment
// filter of live recursive delivery.
func (w *Watcher) matches(e *Event, live bool) bool {
	k := e.Node.Key
	if k == "" {
		k = "/"
	}
	if k == w.key {
		return true
	}
	if w.recursive && under(k, w.key) && !(live && hiddenBelow(w.key, k)) {
		return true
	}
	return (e.Action == ActionDelete || e.Action == ActionExpire) && e.Node.Dir && under(w.key, k)
}

// hiddenBelow reports whether the part of key below watched has a segment starting with "_".
func hiddenBelow(watched, key string) bool {
	rest := key[len(watched):]
	if watched == "/" {
		rest = key
	}
	return strings.Contains(rest, "/_")
}

// wants reports whether e should be queued for the watcher; live applies the hidden filter.
func (w *Watcher) wants(e *Event, live bool) bool {
	return e.Index() >= w.sinceIndex && !e.Refresh && w.matches(e, live)
}

// push queues e. It returns false when the watcher is finished: a one-shot watcher that got its
// event, or any watcher whose buffer overflowed (its channel is then closed).
func (w *Watcher) push(e *Event) bool {
	select {
	case w.ch <- e:
	default:
		w.store.marks.Hit(mark.StoreWatcherOverflow)
		w.close()
		return false
	}
	return w.stream
}

// watcherHub holds the registered watchers by watched key.
type watcherHub struct {
	byKey  map[string][]*Watcher
	count  int
	nextID uint64
}

// newWatcherHub returns an empty hub.
func newWatcherHub() *watcherHub { return &watcherHub{byKey: map[string][]*Watcher{}} }

// register adds w.
func (h *watcherHub) register(w *Watcher) {
	h.nextID++
	w.id = h.nextID
	w.registered = true
	h.byKey[w.key] = append(h.byKey[w.key], w)
	h.count++
}

// unregister removes w if it is registered.
func (h *watcherHub) unregister(w *Watcher) {
	if !w.registered {
		return
	}
	w.registered = false
	list := slices.DeleteFunc(h.byKey[w.key], func(x *Watcher) bool { return x == w })
	if len(list) == 0 {
		delete(h.byKey, w.key)
	} else {
		h.byKey[w.key] = list
	}
	h.count--
}

// all returns every registered watcher in registration order.
func (h *watcherHub) all() []*Watcher {
	out := make([]*Watcher, 0, h.count)
	for _, list := range h.byKey {
		out = append(out, list...)
	}
	slices.SortFunc(out, func(a, b *Watcher) int { return cmp.Compare(a.id, b.id) })
	return out
}

// candidates returns, in registration order, the watchers that may care about a user event: those
// on the key and its ancestors, plus those below a deleted or expired directory.
func (h *watcherHub) candidates(e *Event) []*Watcher {
	if len(h.byKey) == 0 {
		return nil
	}
	key := e.Node.Key
	if key == "" {
		key = "/"
	}
	var out []*Watcher
	out = append(out, h.byKey["/"]...)
	for i := 1; i < len(key); i++ {
		if key[i] == '/' {
			out = append(out, h.byKey[key[:i]]...)
		}
	}
	if key != "/" {
		out = append(out, h.byKey[key]...)
	}
	if (e.Action == ActionDelete || e.Action == ActionExpire) && e.Node.Dir {
		for k, list := range h.byKey {
			if under(k, key) {
				out = append(out, list...)
			}
		}
	}
	slices.SortFunc(out, func(a, b *Watcher) int { return cmp.Compare(a.id, b.id) })
	return out
}

// notify pushes a live event to every interested watcher, dropping finished ones.
func (h *watcherHub) notify(e *Event) {
	for _, w := range h.candidates(e) {
		if w.wants(e, true) && !w.push(e) {
			h.unregister(w)
		}
	}
}
