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
type dedupTable struct {
	window   int
	maxBytes int
	order    []uint64
	next     int
	results  map[uint64]appliedResult
	// bytes is the resultBytes total of the results kept; the oldest `past` positions of the
	// order hold results that are past the byte window.
	bytes int
	past  int
}

// newDedupTable returns an empty table of the given window and byte window with room for expected
// IDs (at most window) before its map has to grow: a restarted node knows how many entries it will
// re-apply.
func newDedupTable(window, maxBytes, expected int) *dedupTable {
	size := min(max(expected, 0), max(window, 0))
	return &dedupTable{window: window, maxBytes: maxBytes, order: make([]uint64, 0, size),
		results: make(map[uint64]appliedResult, size)}
}

func (d *dedupTable) lookup(id uint64) (appliedResult, bool) {
	r, ok := d.results[id]
	return r, ok
}

// remember records id's result (ID 0 is never remembered). An ID remembered already keeps its
// place in the order and gets the new result (past the byte window still, if it was); a new one
// evicts the oldest when the window is full. The map is written first and its length tells whether
// id was new, so the common case costs one map access.
func (d *dedupTable) remember(id uint64, r appliedResult) {
	if id == 0 {
		return
	}
	before := len(d.results)
	old := d.results[id]
	if old.past {
		r = r.pastWindow()
	}
	d.results[id] = r
	d.bytes += resultBytes(r) - resultBytes(old)
	if len(d.results) != before {
		d.append(id)
	}
	d.trim()
}

// append adds new id as the newest, evicting the oldest when the window is full.
func (d *dedupTable) append(id uint64) {
	if len(d.order) < d.window {
		d.order = append(d.order, id)
		return
	}
	oldest := d.order[d.next]
	d.bytes -= resultBytes(d.results[oldest])
	delete(d.results, oldest)
	d.past = max(d.past-1, 0)
	d.order[d.next] = id
	d.next = (d.next + 1) % d.window
}

// trim moves the oldest results past the byte window until the rest fit it (or only the newest is
// left).
func (d *dedupTable) trim() {
	for d.bytes > d.maxBytes && d.past < len(d.order)-1 {
		id := d.order[(d.next+d.past)%len(d.order)]
		r := d.results[id]
		d.bytes -= resultBytes(r)
		d.results[id] = r.pastWindow()
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

// ids returns the remembered IDs oldest first.
func (d *dedupTable) ids() []uint64 {
	out := make([]uint64, 0, len(d.order))
	out = append(out, d.order[d.next:]...)
	out = append(out, d.order[:d.next]...)
	return out
}
