package netsim

// event is one scheduled action. Events run in (at, seq) order: seq is a global counter assigned at
// scheduling time, so two events at the same instant run in the order they were scheduled.
type event struct {
	at  int64
	seq uint64
	eventAction
}

// eventKey is an event's place in the queue: its order and the slot of its action. It holds no
// pointers, so the queue's lists need no GC write barriers and the collector never scans them.
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
	evFunc      eventKind = iota // run ref, a func()
	evDeliver                    // deliver the boxed message ref, a *raft.Message (the box is recycled)
	evTick                       // tick host ref if it is still in incarnation n1
	evPersisted                  // persist batch n2 of host ref's incarnation n1 completed (flag: fsync it)
	evIssue                      // client ref issues its next workload operation
	evArrive                     // attempt n1 of call ref reaches node n2
	evTimeout                    // attempt n1 of call ref, sent to node n2, times out
	evRespond                    // the boxed reply ref (a *replyBox) answers attempt n1 of its call
	evRetry                      // call ref makes its next attempt after a backoff
)

// eventAction is what an event does: its kind and the operands that kind uses. It holds one
// reference, so that queuing and clearing an action costs one pointer write barrier while the
// collector marks, not one per possible operand.
type eventAction struct {
	kind   eventKind
	flag   bool
	n1, n2 uint64
	ref    any
}

// eventQueue is a calendar queue of events ordered by (at, seq). Virtual time is cut into days of
// 2^dayShift ns (about a millisecond), and day d's events sit in bucket d mod calendarDays, a list
// kept in (at, seq) order. Most events fall a few days ahead (messages, disk completions, client
// steps), so a push usually appends to a short list and a take pops the head of the current day's
// list, walking forward over empty days; events further than a year ahead (calendarDays days) wait in
// their bucket, skipped until their year comes. A take or peek never moves the current day past
// the earliest event, and a push before the current day moves it back, so the order is exactly the
// (at, seq) order whatever is pushed. The lists live in one slab of pointer-free nodes; the actions
// stay put in slots reused through a free list.
type eventQueue struct {
	buckets *[calendarDays]calendarBucket
	nodes   []calendarNode
	freeN   int32 // head of the free node list, -1 when empty
	day     int64 // no queued event is on an earlier day
	n       int
	actions []eventAction
	free    []int
}

const (
	dayShift     = 20   // a day is 2^20 ns, about 1 ms
	calendarDays = 1024 // a year is about a second
	noEntry      = -1
)

// calendarBucket is one day's list: node indexes of its first and last key, noEntry when empty.
type calendarBucket struct{ head, tail int32 }

// calendarNode is a key in a bucket's list.
type calendarNode struct {
	key  eventKey
	next int32
}

// Len is the number of queued events.
func (q *eventQueue) Len() int { return q.n }

func dayOf(at int64) int64 { return at >> dayShift }

func (q *eventQueue) init() {
	q.buckets = new([calendarDays]calendarBucket)
	for i := range q.buckets {
		q.buckets[i] = calendarBucket{head: noEntry, tail: noEntry}
	}
	q.freeN = noEntry
}

func (q *eventQueue) push(e event) { q.pushAction(e.at, e.seq, &e.eventAction) }

// pushAction queues *a at (at, seq), copying it once, into its slot.
func (q *eventQueue) pushAction(at int64, seq uint64, a *eventAction) {
	if q.buckets == nil {
		q.init()
	}
	var slot int
	if n := len(q.free); n > 0 {
		slot = q.free[n-1]
		q.free = q.free[:n-1]
		q.actions[slot] = *a
	} else {
		slot = len(q.actions)
		q.actions = append(q.actions, *a)
	}
	k := eventKey{at: at, seq: seq, slot: slot}
	if d := dayOf(at); q.n == 0 || d < q.day {
		q.day = d
	}
	q.insert(k)
	q.n++
}

// insert puts k into its day's list after every key that runs before it.
func (q *eventQueue) insert(k eventKey) {
	i := q.freeN
	if i != noEntry {
		q.freeN = q.nodes[i].next
		q.nodes[i] = calendarNode{key: k, next: noEntry}
	} else {
		i = int32(len(q.nodes))
		q.nodes = append(q.nodes, calendarNode{key: k, next: noEntry})
	}
	b := &q.buckets[dayOf(k.at)&(calendarDays-1)]
	switch {
	case b.head == noEntry:
		b.head, b.tail = i, i
	case !runsBefore(k, q.nodes[b.tail].key):
		q.nodes[b.tail].next = i
		b.tail = i
	case runsBefore(k, q.nodes[b.head].key):
		q.nodes[i].next = b.head
		b.head = i
	default:
		prev := b.head
		for next := q.nodes[prev].next; runsBefore(q.nodes[next].key, k); next = q.nodes[next].next {
			prev = next
		}
		q.nodes[i].next = q.nodes[prev].next
		q.nodes[prev].next = i
	}
}

// runsBefore reports whether key a runs before key b.
func runsBefore(a, b eventKey) bool {
	return a.at < b.at || (a.at == b.at && a.seq < b.seq)
}

// earliest finds the earliest key's bucket and moves the current day to its day. The queue must not
// be empty.
func (q *eventQueue) earliest() *calendarBucket {
	for range calendarDays {
		b := &q.buckets[q.day&(calendarDays-1)]
		if b.head != noEntry && dayOf(q.nodes[b.head].key.at) == q.day {
			return b
		}
		q.day++
	}
	// A year without events: jump to the earliest day directly.
	best := int64(-1)
	for i := range q.buckets {
		if h := q.buckets[i].head; h != noEntry && (best < 0 || q.nodes[h].key.at < best) {
			best = q.nodes[h].key.at
		}
	}
	q.day = dayOf(best)
	return &q.buckets[q.day&(calendarDays-1)]
}

// peek returns the earliest event without removing it; the queue must not be empty.
func (q *eventQueue) peek() event {
	k := q.nodes[q.earliest().head].key
	return event{at: k.at, seq: k.seq, eventAction: q.actions[k.slot]}
}

func (q *eventQueue) pop() event {
	k := q.take()
	e := event{at: k.at, seq: k.seq, eventAction: q.actions[k.slot]}
	q.release(k.slot)
	return e
}

// readyBy reports whether an event is queued at or before limit.
func (q *eventQueue) readyBy(limit int64) bool {
	return q.n > 0 && q.next() <= limit
}

// next is the time of the earliest event; the queue must not be empty.
func (q *eventQueue) next() int64 {
	return q.nodes[q.earliest().head].key.at
}

// take removes the earliest event from the order and returns its key. The slot of its action stays
// reserved, so the action can run in place, until release.
func (q *eventQueue) take() eventKey {
	b := q.earliest()
	i := b.head
	k := q.nodes[i].key
	b.head = q.nodes[i].next
	if b.head == noEntry {
		b.tail = noEntry
	}
	q.nodes[i].next = q.freeN
	q.freeN = i
	q.n--
	return k
}

// release frees the slot of an action that has run.
func (q *eventQueue) release(slot int) {
	q.actions[slot] = eventAction{}
	q.free = append(q.free, slot)
}
