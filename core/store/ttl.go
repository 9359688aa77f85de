package store

import "container/heap"

// ttlQueue orders the expiring nodes by (expiration, path): a total order, so expiry order never
// depends on insertion history.
type ttlQueue struct{ nodes []*node }

// Len implements heap.Interface.
func (q *ttlQueue) Len() int { return len(q.nodes) }

// Less implements heap.Interface.
func (q *ttlQueue) Less(i, j int) bool {
	a, b := q.nodes[i], q.nodes[j]
	if a.expiration != b.expiration {
		return a.expiration < b.expiration
	}
	return a.path < b.path
}

// Swap implements heap.Interface.
func (q *ttlQueue) Swap(i, j int) {
	q.nodes[i], q.nodes[j] = q.nodes[j], q.nodes[i]
	q.nodes[i].heapIndex = i
	q.nodes[j].heapIndex = j
}

// Push implements heap.Interface.
func (q *ttlQueue) Push(x any) {
	n := x.(*node)
	n.heapIndex = len(q.nodes)
	q.nodes = append(q.nodes, n)
}

// Pop implements heap.Interface.
func (q *ttlQueue) Pop() any {
	last := len(q.nodes) - 1
	n := q.nodes[last]
	q.nodes[last] = nil
	q.nodes = q.nodes[:last]
	n.heapIndex = -1
	return n
}

// track queues, re-queues or drops n after its expiry changed.
func (q *ttlQueue) track(n *node) {
	switch {
	case n.expires && n.heapIndex >= 0:
		heap.Fix(q, n.heapIndex)
	case n.expires:
		heap.Push(q, n)
	case n.heapIndex >= 0:
		heap.Remove(q, n.heapIndex)
	}
}

// drop removes n from the queue if it is queued.
func (q *ttlQueue) drop(n *node) {
	if n.heapIndex >= 0 {
		heap.Remove(q, n.heapIndex)
	}
}

// top is the node that expires first, or nil.
func (q *ttlQueue) top() *node {
	if len(q.nodes) == 0 {
		return nil
	}
	return q.nodes[0]
}
