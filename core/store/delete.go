package store

import "github.com/raftlab/raftlab/core/mark"

// delete removes a file, or a directory when dir (and, if not empty, recursive) is set; now is only
// used for the prevNode's ttl.
func (s *Store) delete(ns *namespace, key string, dir, recursive bool, now int64) (*Event, *Error) {
	if key == "/" {
		return nil, s.rootReadOnly()
	}
	n, err := s.lookup(ns, key)
	if err != nil {
		return nil, err
	}
	if n.dir {
		if !dir && !recursive {
			return nil, NewError(EcodeNotFile, key, s.index)
		}
		if len(n.children) > 0 && !recursive {
			s.marks.Hit(mark.StoreDirNotEmpty)
			return nil, NewError(EcodeDirNotEmpty, key, s.index)
		}
		s.marks.HitIf(!ns.internal && len(n.children) == 0, mark.StoreRmdir)
		s.marks.HitIf(!ns.internal && len(n.children) > 0, mark.StoreDeleteRecursive)
	}
	return s.remove(ns, n, ActionDelete, now), nil
}

// compareAndDelete removes a file when prevValue and/or prevIndex match.
func (s *Store) compareAndDelete(ns *namespace, key string, r *Request) (*Event, *Error) {
	n, err := s.lookup(ns, key)
	if err != nil {
		return nil, err
	}
	if n.dir {
		return nil, NewError(EcodeNotFile, userKey(key), s.index)
	}
	if cause, ok := compare(n, r.PrevValue, r.PrevIndex); !ok {
		s.marks.Hit(mark.StoreCompareFailed)
		return nil, NewError(EcodeTestFailed, cause, s.index)
	}
	s.marks.HitIf(r.PrevIndex != 0, mark.StoreCompareIndexMatched)
	return s.remove(ns, n, ActionCompareAndDelete, r.Time), nil
}

// remove detaches n (and its subtree) at the next index and commits the event; now is only used for
// the prevNode's ttl.
func (s *Store) remove(ns *namespace, n *node, action string, now int64) *Event {
	c := newChangeEvent(action, n, now)
	c.event.Node = &c.node.node
	c.event.Node.Key, c.event.Node.Dir = userKey(n.path), n.dir
	c.event.Node.ModifiedIndex, c.event.Node.CreatedIndex = s.index+1, n.createdIndex
	s.detach(n)
	s.commit(ns, &c.event)
	return &c.event
}
