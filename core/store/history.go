package store

// historyCapacity is how many events the watch window keeps (ETCD_V2_API.md §6).
const historyCapacity = 1000

// record is one event of the history; internal events never match user watches.
type record struct {
	event    *Event
	internal bool
	// bytes is EventBytes(event), set by add (so that dropping the record reads no more of it).
	bytes int
}

// eventHistory is a ring of the most recent events, one per etcd index, oldest first, holding at
// most len(ring) events and, beyond the newest one, at most maxBytes of them (see EventBytes).
type eventHistory struct {
	ring     []record
	first    int // ring position of the oldest record
	count    int
	bytes    int // EventBytes of the records kept
	maxBytes int
}

// newEventHistory returns an empty window of capacity events and maxBytes bytes.
func newEventHistory(capacity, maxBytes int) *eventHistory {
	return &eventHistory{ring: make([]record, capacity), maxBytes: maxBytes}
}

// add appends r, dropping the oldest records while the window is over its count or its size.
func (h *eventHistory) add(r record) {
	size := EventBytes(r.event)
	r.bytes = size
	for h.count > 0 && (h.count == len(h.ring) || h.bytes+size > h.maxBytes) {
		h.dropOldest()
	}
	h.ring[(h.first+h.count)%len(h.ring)] = r
	h.count++
	h.bytes += size
}

// dropOldest clears the oldest record.
func (h *eventHistory) dropOldest() {
	h.bytes -= h.ring[h.first].bytes
	h.ring[h.first] = record{}
	h.first = (h.first + 1) % len(h.ring)
	h.count--
}

// eventOverheadBytes is what EventBytes counts for an event besides its strings: the event, its node
// views and the record that keeps it.
const eventOverheadBytes = 256

// EventBytes is the memory an event holds, as the history (and the node's table of request results)
// counts it: its keys and values and a fixed overhead. A value still in the tree is shared with it;
// counting it anyway keeps the bound simple and safe.
func EventBytes(e *Event) int {
	n := eventOverheadBytes
	for _, v := range [2]*NodeExtern{e.Node, e.PrevNode} {
		if v != nil {
			n += len(v.Key)
			if v.Value != nil {
				n += len(*v.Value)
			}
		}
	}
	return n
}

// at returns the i-th oldest record.
func (h *eventHistory) at(i int) record { return h.ring[(h.first+i)%len(h.ring)] }

// startIndex is the index of the oldest kept event, 0 when empty.
func (h *eventHistory) startIndex() uint64 {
	if h.count == 0 {
		return 0
	}
	return h.at(0).event.Index()
}

// lastIndex is the index of the newest kept event, 0 when empty.
func (h *eventHistory) lastIndex() uint64 {
	if h.count == 0 {
		return 0
	}
	return h.at(h.count - 1).event.Index()
}

// from returns the position of the event with index since, clamped to [0, count].
func (h *eventHistory) from(since uint64) int {
	start := h.startIndex()
	if h.count == 0 || since > h.lastIndex() {
		return h.count
	}
	if since <= start {
		return 0
	}
	return int(since - start)
}

// HistoryMaxBytes bounds the watch window by size as well: the oldest events are cleared once the
// window's events hold more (see EventBytes), so a burst of large values does not stay in memory
// after their keys are gone. A watch from an index cleared this way gets error 401, as one from
// before the last 1000 events does.
const HistoryMaxBytes = 16 << 20
