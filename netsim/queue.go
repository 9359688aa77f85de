package netsim

import "github.com/raftlab/raftlab/core/raft"

// event is one scheduled action. Events run in (at, seq) order: seq is a global counter assigned at
// scheduling time, so two events at the same instant run in the order they were scheduled.
type event struct {
	at  int64
	seq uint64
	eventAction
}

// eventKey is an event's place in the heap: its order and the slot of its action. It holds no
// pointers, so the heap's moves need no GC write barriers and the collector never scans the heap.
type eventKey struct {
	at   int64
	seq  uint64
	slot int
}

// eventKind says what an event does. The simulator's own frequent events (deliveries, ticks, disk
// completions, client steps) are typed, so scheduling them allocates no closure; everything else
// runs a func.
type eventKind uint8

const (
	evFunc      eventKind = iota // run fn
	evDeliver                    // deliver the boxed message msg (the box is recycled)
	evTick                       // tick host if it is still in incarnation n1
	evPersisted                  // persist batch n2 of host's incarnation n1 completed (flag: fsync it; err: the write's error)
	evIssue                      // client issues its next workload operation
	evArrive                     // attempt n1 of call reaches node n2
	evTimeout                    // attempt n1 of call, sent to node n2, times out
	evRespond                    // the boxed reply answers attempt n1 of call (the box is recycled)
	evRetry                      // call makes its next attempt after a backoff
)

// eventAction is what an event does: its kind and the operands that kind uses.
type eventAction struct {
	kind   eventKind
	flag   bool
	fn     func()
	msg    *raft.Message
	host   *host
	call   *call
	client *client
	reply  *Reply
	err    error
	n1, n2 uint64
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
		q.actions[slot] = e.eventAction
	} else {
		slot = len(q.actions)
		q.actions = append(q.actions, e.eventAction)
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
	return event{at: k.at, seq: k.seq, eventAction: q.actions[k.slot]}
}

func (q *eventQueue) pop() event {
	k := q.take()
	e := event{at: k.at, seq: k.seq, eventAction: q.actions[k.slot]}
	q.release(k.slot)
	return e
}

// next is the time of the earliest event; the queue must not be empty.
func (q *eventQueue) next() int64 { return q.keys[0].at }

// take removes the earliest event from the order and returns its key. The slot of its action stays
// reserved, so the action can run in place, until release.
func (q *eventQueue) take() eventKey {
	top := q.keys[0]
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

// release frees the slot of an action that has run.
func (q *eventQueue) release(slot int) {
	q.actions[slot] = eventAction{}
	q.free = append(q.free, slot)
}
