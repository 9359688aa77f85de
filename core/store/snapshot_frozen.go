package store

// Frozen is the replicated state of a store (its index, both trees and the event history) copied
// at one instant, so that its snapshot can be encoded later and elsewhere: nothing the store does
// afterwards changes it, and it may be encoded on another goroutine than the store's user (hosts
// encode snapshots away from the node's loop). Taking it copies the trees' nodes, not their keys,
// values or events (immutable strings and events are shared): a few milliseconds for 10,000 keys
// where encoding them takes tens.
type Frozen struct {
	index        uint64
	user, system *node
	history      []record
	dataBytes    int64
}

// Freeze copies the store's replicated state.
func (s *Store) Freeze() *Frozen {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := &Frozen{index: s.index, user: cloneTree(s.user.root, nil), system: cloneTree(s.system.root, nil),
		history: make([]record, s.history.count), dataBytes: s.dataBytes + int64(s.history.bytes)}
	for i := range f.history {
		f.history[i] = s.history.at(i)
	}
	return f
}

// Index is the etcd index of the frozen state.
func (f *Frozen) Index() uint64 { return f.index }

// DataBytes is what Store.DataBytes said when the state was frozen.
func (f *Frozen) DataBytes() int64 { return f.dataBytes }

// AppendSnapshot appends the frozen state's snapshot to dst: the bytes Store.AppendSnapshot would
// have appended when it was frozen. yield, if not nil, is called every YieldEvery nodes and events
// written (see Yielder); it does not change the bytes.
func (f *Frozen) AppendSnapshot(dst []byte, yield func()) ([]byte, error) {
	return appendSnapshot(dst, f.index, f.user, f.system, len(f.history), func(i int) record { return f.history[i] }, yield)
}

// cloneTree copies n and its descendants (what a snapshot writes of them; no TTL queue position).
func cloneTree(n *node, parent *node) *node {
	c := &node{path: n.path, name: n.name, parent: parent, dir: n.dir, value: n.value,
		createdIndex: n.createdIndex, modifiedIndex: n.modifiedIndex, expires: n.expires,
		expiration: n.expiration, heapIndex: -1}
	if n.children != nil {
		c.children = make(map[string]*node, len(n.children))
		for name, child := range n.children {
			c.children[name] = cloneTree(child, c)
		}
	}
	return c
}
