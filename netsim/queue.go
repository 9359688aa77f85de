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

// eventKey is an event's place in the heap: its order and the slot of its action. It holds no
// pointers, so the heap's moves need no GC write barriers and the collector never scans the heap.
type eventKey struct {
	at   int64
	seq  uint64
	slot int
}

// eventAction is what an event does: exactly one of fn and msg is set.
type eventAction struct {
	fn  func()
	msg *raft.Message
}

// eventQueue is a binary min-heap of events ordered by (at, seq). It is typed (no container/heap
// interface boxing) because the simulator pushes and pops millions of events. The heap orders
// pointer-free keys; the actions stay put in slots reused through a free list.
type eventQueue struct {
	keys    []eventKey
	actions []eventAction
	free    []int
}

// Len is the number of queued events.
func (q *eventQueue) Len() int { return len(q.keys) }

func (q *eventQueue) less(i, j int) bool {
	a, b := &q.keys[i], &q.keys[j]
	if a.at != b.at {
		return a.at < b.at
	}
	return a.seq < b.seq
}

func (q *eventQueue) push(e event) {
	var slot int
	if n := len(q.free); n > 0 {
		slot = q.free[n-1]
		q.free = q.free[:n-1]
		q.actions[slot] = eventAction{fn: e.fn, msg: e.msg}
	} else {
		slot = len(q.actions)
		q.actions = append(q.actions, eventAction{fn: e.fn, msg: e.msg})
	}
	q.keys = append(q.keys, eventKey{at: e.at, seq: e.seq, slot: slot})
	i := len(q.keys) - 1
	for i > 0 {
		parent := (i - 1) / 2
		if !q.less(i, parent) {
			break
		}
		q.keys[i], q.keys[parent] = q.keys[parent], q.keys[i]
		i = parent
	}
}

// peek returns the earliest event without removing it; the queue must not be empty.
func (q *eventQueue) peek() event {
	k := q.keys[0]
	a := q.actions[k.slot]
	return event{at: k.at, seq: k.seq, fn: a.fn, msg: a.msg}
}

func (q *eventQueue) pop() event {
	top := q.peek()
	q.actions[q.keys[0].slot] = eventAction{}
	q.free = append(q.free, q.keys[0].slot)
	last := len(q.keys) - 1
	q.keys[0] = q.keys[last]
	q.keys = q.keys[:last]
	i, n := 0, len(q.keys)
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
		q.keys[i], q.keys[smallest] = q.keys[smallest], q.keys[i]
		i = smallest
	}
	return top
}
