package node

import "github.com/raftlab/raftlab/core/store"

// appliedResult is what applying one request produced; a retry of the same request gets it again.
type appliedResult struct {
	Event     *store.Event
	Err       error
	EtcdIndex uint64
}

// dedupTable remembers the results of the last `window` applied request IDs, evicting the oldest
// first. It is part of the replicated state (snapshots carry it) and evolves identically on every
// replica because it changes only when entries are applied.
type dedupTable struct {
	window  int
	order   []uint64
	next    int
	results map[uint64]appliedResult
}

// newDedupTable returns an empty table of the given window with room for expected IDs (at most
// window) before its map has to grow: a restarted node knows how many entries it will re-apply.
func newDedupTable(window, expected int) *dedupTable {
	size := min(max(expected, 0), max(window, 0))
	return &dedupTable{window: window, order: make([]uint64, 0, size), results: make(map[uint64]appliedResult, size)}
}

func (d *dedupTable) lookup(id uint64) (appliedResult, bool) {
	r, ok := d.results[id]
	return r, ok
}

// remember records id's result (ID 0 is never remembered). An ID remembered already keeps its
// place in the order and gets the new result; a new one evicts the oldest when the window is full.
// The map is written first and its length tells whether id was new, so the common case costs one
// map access.
func (d *dedupTable) remember(id uint64, r appliedResult) {
	if id == 0 {
		return
	}
	before := len(d.results)
	d.results[id] = r
	if len(d.results) == before {
		return
	}
	if len(d.order) < d.window {
		d.order = append(d.order, id)
		return
	}
	delete(d.results, d.order[d.next])
	d.order[d.next] = id
	d.next = (d.next + 1) % d.window
}

// ids returns the remembered IDs oldest first.
func (d *dedupTable) ids() []uint64 {
	out := make([]uint64, 0, len(d.order))
	out = append(out, d.order[d.next:]...)
	out = append(out, d.order[:d.next]...)
	return out
}
