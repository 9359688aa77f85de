package store

import (
	"strconv"

	"github.com/raftlab/raftlab/core/mark"
)

// set replaces the key (ETCD_V2_API.md §3.2 set); with Refresh the old value is kept. A file set
// again as a file is rewritten in place with a new createdIndex (nothing else holds the node, so
// this is the same as replacing it); a file set as a directory is replaced.
func (s *Store) set(ns *namespace, key string, r *Request) (*Event, *Error) {
	if key == "/" {
		return nil, s.rootReadOnly()
	}
	old, m := find(ns, key)
	if old == nil && (m.code != EcodeKeyNotFound || r.Refresh) {
		return nil, NewError(m.code, m.cause, s.index)
	}
	if old != nil && old.dir {
		return nil, NewError(EcodeNotFile, key, s.index)
	}
	value := r.Value
	if r.Refresh {
		value = old.value
	}
	if old != nil && !r.Dir {
		return s.rewrite(ns, old, value, s.index+1, r, ActionSet), nil
	}
	parent, err := s.ensureDir(ns, parentOf(key))
	if err != nil {
		return nil, err
	}
	var e *Event
	if old != nil {
		c := newChangeEvent(ActionSet, old, r.Time)
		s.detach(old)
		c.event.Node = s.place(parent, key, r.Dir, value, r).view(&c.node, r.Time)
		e = &c.event
	} else {
		e = newEventWithNode(ActionSet, s.place(parent, key, r.Dir, value, r), r.Time)
	}
	e.Refresh = r.Refresh
	s.commit(ns, e)
	return e, nil
}

// create adds a new key (create) or a new in-order child of key (POST).
func (s *Store) create(ns *namespace, key string, r *Request, inOrder bool) (*Event, *Error) {
	if inOrder {
		key = inOrderKey(key, s.index+1)
		if err := s.checkKeyLength(key); err != nil {
			return nil, err
		}
		s.marks.Hit(mark.StoreCreateInOrder)
	}
	if key == "/" {
		return nil, s.rootReadOnly()
	}
	parent, err := s.ensureDir(ns, parentOf(key))
	if err != nil {
		return nil, err
	}
	if _, exists := parent.children[baseOf(key)]; exists {
		return nil, NewError(EcodeNodeExist, key, s.index)
	}
	e := newEventWithNode(ActionCreate, s.place(parent, key, r.Dir, r.Value, r), r.Time)
	s.commit(ns, e)
	return e, nil
}

// inOrderKey is the key of the in-order child of dir created at index: its name is the index in
// decimal, zero-padded to 20 digits (every uint64 fits).
func inOrderKey(dir string, index uint64) string {
	var name [20]byte
	for i := len(name) - 1; i >= 0; i-- {
		name[i] = byte('0' + index%10)
		index /= 10
	}
	return childPath(dir, string(name[:]))
}

// place creates the node at key under parent with the next index.
func (s *Store) place(parent *node, key string, dir bool, value string, r *Request) *node {
	next := s.index + 1
	n := &node{path: key, name: baseOf(key), parent: parent, dir: dir, createdIndex: next, modifiedIndex: next,
		expires: r.expiring(), expiration: r.Expiration, heapIndex: -1}
	if dir {
		n.children = map[string]*node{}
	} else {
		n.value = value
	}
	parent.children[n.name] = n
	s.dataBytes += nodeBytes(n)
	s.ttl.track(n)
	s.marks.HitIf(dir, mark.StoreMkdir)
	return n
}

// update changes an existing node's value and TTL, keeping its createdIndex. A directory may be
// updated (its TTL changes) as long as no value is given; this is the pre-3.x behaviour, chosen on
// purpose over v3.5's "Raft Internal Error" quirk.
func (s *Store) update(ns *namespace, key string, r *Request) (*Event, *Error) {
	if key == "/" {
		return nil, s.rootReadOnly()
	}
	n, err := s.lookup(ns, key)
	if err != nil {
		return nil, err
	}
	if n.dir && r.Value != "" {
		return nil, NewError(EcodeNotFile, key, s.index)
	}
	value := r.Value
	if r.Refresh {
		value = n.value
	}
	return s.rewrite(ns, n, value, n.createdIndex, r, ActionUpdate), nil
}

// compareAndSwap changes an existing file when prevValue and/or prevIndex match.
func (s *Store) compareAndSwap(ns *namespace, key string, r *Request) (*Event, *Error) {
	if key == "/" {
		return nil, s.rootReadOnly()
	}
	n, err := s.lookup(ns, key)
	if err != nil {
		return nil, err
	}
	if n.dir {
		return nil, NewError(EcodeNotFile, key, s.index)
	}
	if cause, ok := compare(n, r.PrevValue, r.PrevIndex); !ok {
		s.marks.Hit(mark.StoreCompareFailed)
		return nil, NewError(EcodeTestFailed, cause, s.index)
	}
	s.marks.HitIf(r.PrevIndex != 0, mark.StoreCompareIndexMatched)
	value := r.Value
	if r.Refresh {
		value = n.value
	}
	return s.rewrite(ns, n, value, n.createdIndex, r, ActionCompareAndSwap), nil
}

// rewrite writes value, the request's TTL and created (n's own createdIndex, or the next index
// for a set, which makes it a new node) into n at the next index and commits the event.
func (s *Store) rewrite(ns *namespace, n *node, value string, created uint64, r *Request, action string) *Event {
	c := newChangeEvent(action, n, r.Time)
	s.marks.HitIf(n.expires && !r.expiring(), mark.StoreTTLMadePermanent)
	s.marks.HitIf(r.Refresh, mark.StoreRefresh)
	n.createdIndex, n.modifiedIndex = created, s.index+1
	if !n.dir {
		s.dataBytes += int64(len(value) - len(n.value))
		n.value = value
	}
	n.expires, n.expiration = r.expiring(), r.Expiration
	if !n.expires {
		n.expiration = 0
	}
	s.ttl.track(n)
	c.event.Node = n.view(&c.node, r.Time)
	c.event.Refresh = r.Refresh
	s.commit(ns, &c.event)
	return &c.event
}

// compare checks prevValue (when non-empty) and prevIndex (when non-zero) against n and returns
// etcd's cause text on mismatch: "[prevValue != value]", "[prevIndex != modifiedIndex]" or both,
// separated by a space. The text is built in a stack buffer, so a failed compare costs one string.
func compare(n *node, prevValue string, prevIndex uint64) (string, bool) {
	valueOK := prevValue == "" || n.value == prevValue
	indexOK := prevIndex == 0 || n.modifiedIndex == prevIndex
	if valueOK && indexOK {
		return "", true
	}
	var buf [128]byte
	cause := buf[:0]
	if !valueOK {
		cause = appendMismatch(cause, prevValue, n.value)
	}
	if !indexOK {
		if !valueOK {
			cause = append(cause, ' ')
		}
		var want, have [20]byte
		cause = appendMismatch(cause, strconv.AppendUint(want[:0], prevIndex, 10), strconv.AppendUint(have[:0], n.modifiedIndex, 10))
	}
	return string(cause), false
}

// appendMismatch appends "[want != have]" to b.
func appendMismatch[T string | []byte](b []byte, want, have T) []byte {
	b = append(b, '[')
	b = append(b, want...)
	b = append(b, " != "...)
	b = append(b, have...)
	return append(b, ']')
}
