package store

// historyCapacity is how many events the watch window keeps (ETCD_V2_API.md §6).
const historyCapacity = 1000

// record is one event of the history; internal events never match user watches.
type record struct {
	event    *Event
	internal bool
}

// eventHistory is a ring of the most recent events, one per etcd index, oldest first.
type eventHistory struct {
	ring  []record
	first int // ring position of the oldest record
	count int
}

// newEventHistory returns an empty window of capacity events.
func newEventHistory(capacity int) *eventHistory {
	return &eventHistory{ring: make([]record, capacity)}
}

// add appends r, dropping the oldest record when the window is full.
func (h *eventHistory) add(r record) {
	if h.count < len(h.ring) {
		h.ring[(h.first+h.count)%len(h.ring)] = r
		h.count++
		return
	}
	h.ring[h.first] = r
	h.first = (h.first + 1) % len(h.ring)
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
