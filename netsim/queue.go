package netsim

import "github.com/raftlab/raftlab/core/raft"

// event is one scheduled action. Events run in (at, seq) order: seq is a global counter assigned at
// scheduling time, so two events at the same instant run in the order they were scheduled.
// A message delivery carries its message in msg instead of a closure, so that sending a message
// allocates nothing (the boxes are recycled by the network).
type event struct {
	at  int64
	seq uint64
	fn  func()
	msg *raft.Message
}

// eventQueue is a binary min-heap of events ordered by (at, seq). It is typed (no container/heap
// interface boxing) because the simulator pushes and pops millions of events.
type eventQueue struct {
	items []event
}

// Len is the number of queued events.
func (q *eventQueue) Len() int { return len(q.items) }

func (q *eventQueue) less(i, j int) bool {
	a, b := &q.items[i], &q.items[j]
	if a.at != b.at {
		return a.at < b.at
	}
	return a.seq < b.seq
}

func (q *eventQueue) push(e event) {
	q.items = append(q.items, e)
	i := len(q.items) - 1
	for i > 0 {
		parent := (i - 1) / 2
		if !q.less(i, parent) {
			break
		}
		q.items[i], q.items[parent] = q.items[parent], q.items[i]
		i = parent
	}
}

// peek returns the earliest event without removing it; the queue must not be empty.
func (q *eventQueue) peek() event { return q.items[0] }

func (q *eventQueue) pop() event {
	top := q.items[0]
	last := len(q.items) - 1
	q.items[0] = q.items[last]
	q.items[last] = event{}
	q.items = q.items[:last]
	i, n := 0, len(q.items)
	for {
		smallest, l, r := i, 2*i+1, 2*i+2
		if l < n && q.less(l, smallest) {
			smallest = l
		}
		if r < n && q.less(r, smallest) {
			smallest = r
		}
		if smallest == i {
			break
		}
		q.items[i], q.items[smallest] = q.items[smallest], q.items[i]
		i = smallest
	}
	return top
}
