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

func newDedupTable(window int) *dedupTable {
	return &dedupTable{window: window, results: make(map[uint64]appliedResult)}
}

func (d *dedupTable) lookup(id uint64) (appliedResult, bool) {
	r, ok := d.results[id]
	return r, ok
}

func (d *dedupTable) remember(id uint64, r appliedResult) {
	if id == 0 {
		return
	}
	if _, ok := d.results[id]; ok {
		d.results[id] = r
		return
	}
	if len(d.order) < d.window {
		d.order = append(d.order, id)
	} else {
		delete(d.results, d.order[d.next])
		d.order[d.next] = id
		d.next = (d.next + 1) % d.window
	}
	d.results[id] = r
}

// ids returns the remembered IDs oldest first.
func (d *dedupTable) ids() []uint64 {
	out := make([]uint64, 0, len(d.order))
	out = append(out, d.order[d.next:]...)
	out = append(out, d.order[:d.next]...)
	return out
}
