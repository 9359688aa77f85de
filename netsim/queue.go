package netsim

import (
	"fmt"
	"math/bits"

	"github.com/raftlab/raftlab/core/raft"
)

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

// eventQueue is a radix heap of events ordered by (at, seq). It relies on what the simulator
// guarantees: no event is ever scheduled before the last one taken (time never runs backwards), and
// seq grows with every push. Bucket b > 0 holds the keys whose at first differs from last's (the
// time of the last event taken) at bit b-1 from the top; bucket 0 holds those at last itself. Every
// key is always in the bucket of Len64(at ^ last), so equal times share a bucket, and buckets keep
// push order, so equal times leave in seq order. A push is an append; a take empties the lowest
// non-empty bucket into lower ones when bucket 0 is empty, and each event moves down only a few
// times in its life. That replaces a binary heap's log2(n) mispredicted comparisons per push and
// per take. The keys hold no pointers; the actions stay put in slots reused through a free list.
type eventQueue struct {
	buckets [65]eventBucket
	// nonEmpty has bit b set when buckets[b] holds keys.
	nonEmpty uint128
	last     int64
	n        int
	actions  []eventAction
	free     []int
}

// uint128 is a 65-bit set of bucket numbers in two words.
type uint128 struct{ lo, hi uint64 }

func (u *uint128) set(b int) {
	if b < 64 {
		u.lo |= 1 << b
	} else {
		u.hi |= 1 << (b - 64)
	}
}

func (u *uint128) clear(b int) {
	if b < 64 {
		u.lo &^= 1 << b
	} else {
		u.hi &^= 1 << (b - 64)
	}
}

// lowest is the smallest bucket number in the set; the set must not be empty.
func (u *uint128) lowest() int {
	if u.lo != 0 {
		return bits.TrailingZeros64(u.lo)
	}
	return 64 + bits.TrailingZeros64(u.hi)
}

// eventBucket is a FIFO of keys: keys[head:] are queued.
type eventBucket struct {
	keys []eventKey
	head int
}

// Len is the number of queued events.
func (q *eventQueue) Len() int { return q.n }

// bucketOf is the bucket of a key at time at.
func (q *eventQueue) bucketOf(at int64) int {
	return bits.Len64(uint64(at ^ q.last))
}

func (q *eventQueue) push(e event) {
	if e.at < q.last {
		panic(fmt.Sprintf("netsim: event at %d scheduled before the last one taken (%d)", e.at, q.last))
	}
	var slot int
	if n := len(q.free); n > 0 {
		slot = q.free[n-1]
		q.free = q.free[:n-1]
		q.actions[slot] = e.eventAction
	} else {
		slot = len(q.actions)
		q.actions = append(q.actions, e.eventAction)
	}
	q.add(eventKey{at: e.at, seq: e.seq, slot: slot})
	q.n++
}

// add appends k to its bucket.
func (q *eventQueue) add(k eventKey) {
	b := q.bucketOf(k.at)
	q.buckets[b].keys = append(q.buckets[b].keys, k)
	q.nonEmpty.set(b)
}

// settle makes bucket 0 hold the earliest events (see redistribute). The queue must not be empty.
func (q *eventQueue) settle() {
	if q.nonEmpty.lo&1 != 0 {
		return
	}
	b, earliest := q.lowestBucket()
	q.redistribute(b, earliest)
}

// lowestBucket is the lowest non-empty bucket and the earliest time in it; bucket 0 must be empty and
// the queue not.
func (q *eventQueue) lowestBucket() (int, int64) {
	b := q.nonEmpty.lowest()
	bucket := &q.buckets[b]
	earliest := bucket.keys[bucket.head].at
	for _, k := range bucket.keys[bucket.head+1:] {
		earliest = min(earliest, k.at)
	}
	return b, earliest
}

// redistribute makes earliest, the earliest time in bucket b (the lowest non-empty one), the new
// last and moves the bucket's keys, in order, to the buckets they now belong to: the earliest ones to
// bucket 0, the others below b.
func (q *eventQueue) redistribute(b int, earliest int64) {
	bucket := &q.buckets[b]
	keys := bucket.keys[bucket.head:]
	q.last = earliest
	bucket.keys, bucket.head = bucket.keys[:0], 0
	q.nonEmpty.clear(b)
	for _, k := range keys {
		q.add(k) // always to a bucket below b: keys and moves never overlap
	}
}

// peek returns the earliest event without removing it; the queue must not be empty. Like take it
// settles the queue: nothing earlier may be pushed afterwards.
func (q *eventQueue) peek() event {
	q.settle()
	k := q.buckets[0].keys[q.buckets[0].head]
	return event{at: k.at, seq: k.seq, eventAction: q.actions[k.slot]}
}

func (q *eventQueue) pop() event {
	k := q.take()
	e := event{at: k.at, seq: k.seq, eventAction: q.actions[k.slot]}
	q.release(k.slot)
	return e
}

// readyBy reports whether an event is queued at or before limit. When there is, the queue is
// settled for take (the simulator is about to run that event, so nothing earlier can be pushed);
// when there is not, it is left as it is (the simulator may stop before the earliest event and
// schedule earlier ones still).
func (q *eventQueue) readyBy(limit int64) bool {
	if q.n == 0 {
		return false
	}
	if q.nonEmpty.lo&1 != 0 {
		return q.last <= limit
	}
	b, earliest := q.lowestBucket()
	if earliest > limit {
		return false
	}
	q.redistribute(b, earliest)
	return true
}

// next is the time of the earliest event; the queue must not be empty. It does not settle the
// queue: the simulator may stop before that time and schedule earlier events still.
func (q *eventQueue) next() int64 {
	if q.nonEmpty.lo&1 != 0 {
		return q.last
	}
	_, earliest := q.lowestBucket()
	return earliest
}

// take removes the earliest event from the order and returns its key. The slot of its action stays
// reserved, so the action can run in place, until release.
func (q *eventQueue) take() eventKey {
	q.settle()
	bucket := &q.buckets[0]
	k := bucket.keys[bucket.head]
	bucket.head++
	if bucket.head == len(bucket.keys) {
		bucket.keys, bucket.head = bucket.keys[:0], 0
		q.nonEmpty.clear(0)
	}
	q.n--
	return k
}

// release frees the slot of an action that has run.
func (q *eventQueue) release(slot int) {
	q.actions[slot] = eventAction{}
	q.free = append(q.free, slot)
}
