package node

import "github.com/raftlab/raftlab/core/store"

// appliedResult is what applying one request produced; a retry of the same request gets it again.
type appliedResult struct {
	Event     *store.Event
	Err       error
	EtcdIndex uint64
	// past: the result is older than the table's byte window (see dedupTable); its event, if it had
	// one, was dropped (eventDropped), and a retry is told that its outcome is no longer known.
	past         bool
	eventDropped bool
}

// retryReply is the reply a retry of request id gets from its remembered result. A result whose
// event was dropped answers ErrTimeout: the request was applied once and is not applied again, but
// what it returned is gone, so the client learns what it knows after a timeout (the outcome is
// unknown), never a wrong event.
func (r appliedResult) retryReply(id uint64) Reply {
	if r.eventDropped {
		return Reply{ID: id, Err: ErrTimeout, EtcdIndex: r.EtcdIndex}
	}
	return Reply{ID: id, Event: r.Event, Err: r.Err, EtcdIndex: r.EtcdIndex}
}

// resultBytes is what a result counts against the table's byte window: its event's size.
func resultBytes(r appliedResult) int {
	if r.Event == nil {
		return 0
	}
	return store.EventBytes(r.Event)
}

// dedupTable remembers the results of the last `window` applied request IDs, evicting the oldest
// first. Only the newest results whose events hold at most maxBytes keep their events (the newest
// one always does): older results are kept without theirs, so the values of a burst of large writes
// do not outlive it here. It is part of the replicated state (snapshots carry it) and evolves
// identically on every replica because it changes only when entries are applied.
//
// The results live in a ring in the order they were remembered, each with its byte count, and an
// index (idIndex) gives an ID's place in the ring: an applied write costs the index a lookup, an
// insert and (once the window is full) a delete, and the byte window is kept by walking the ring.
type dedupTable struct {
	window   int
	maxBytes int
	// slots is the ring, oldest first from next once it holds window results.
	slots []dedupSlot
	next  int
	// at is each remembered ID's index in slots.
	at *idIndex
	// bytes is the total of the slots' bytes; the oldest `past` slots hold results that are past
	// the byte window.
	bytes int
	past  int
}

// dedupSlot is one remembered result and what it counts against the byte window (0 once past it).
type dedupSlot struct {
	id    uint64
	r     appliedResult
	bytes int
}

// newDedupTable returns an empty table of the given window and byte window with room for expected
// IDs (at most window) before it has to grow: a restarted node knows how many entries it will
// re-apply.
func newDedupTable(window, maxBytes, expected int) *dedupTable {
	size := min(max(expected, 0), max(window, 0))
	return &dedupTable{window: window, maxBytes: maxBytes, slots: make([]dedupSlot, 0, size),
		at: newIDIndex(size)}
}

func (d *dedupTable) lookup(id uint64) (appliedResult, bool) {
	i, ok := d.at.get(id)
	if !ok {
		return appliedResult{}, false
	}
	return d.slots[i].r, true
}

// remember records id's result (ID 0 is never remembered). An ID remembered already keeps its
// place in the order and gets the new result (past the byte window still, if it was); a new one
// evicts the oldest when the window is full.
func (d *dedupTable) remember(id uint64, r appliedResult) {
	if id == 0 {
		return
	}
	if i, ok := d.at.get(id); ok {
		s := &d.slots[i]
		if s.r.past {
			r = r.pastWindow()
		}
		d.bytes -= s.bytes
		s.r, s.bytes = r, resultBytes(r)
		d.bytes += s.bytes
	} else {
		d.append(dedupSlot{id: id, r: r, bytes: resultBytes(r)})
	}
	d.trim()
}

// append adds a new ID's slot as the newest, evicting the oldest when the window is full.
func (d *dedupTable) append(s dedupSlot) {
	d.bytes += s.bytes
	if len(d.slots) < d.window {
		d.at.put(s.id, uint32(len(d.slots)))
		d.slots = append(d.slots, s)
		return
	}
	oldest := &d.slots[d.next]
	d.bytes -= oldest.bytes
	d.at.remove(oldest.id)
	d.past = max(d.past-1, 0)
	*oldest = s
	d.at.put(s.id, uint32(d.next))
	d.next = (d.next + 1) % d.window
}

// trim moves the oldest results past the byte window until the rest fit it (or only the newest is
// left).
func (d *dedupTable) trim() {
	for d.bytes > d.maxBytes && d.past < len(d.slots)-1 {
		s := &d.slots[(d.next+d.past)%len(d.slots)]
		d.bytes -= s.bytes
		s.r, s.bytes = s.r.pastWindow(), 0
		d.past++
	}
}

// pastWindow is r past the byte window: without its event.
func (r appliedResult) pastWindow() appliedResult {
	r.past = true
	if r.Event != nil {
		r.Event, r.eventDropped = nil, true
	}
	return r
}

// entries returns the remembered IDs with their results, oldest first: a walk of the ring, no
// lookups (a snapshot's freeze copies them).
func (d *dedupTable) entries() []dedupEntry {
	out := make([]dedupEntry, 0, len(d.slots))
	for _, s := range d.slots[d.next:] {
		out = append(out, dedupEntry{id: s.id, r: s.r})
	}
	for _, s := range d.slots[:d.next] {
		out = append(out, dedupEntry{id: s.id, r: s.r})
	}
	return out
}
