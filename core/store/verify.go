package store

import (
	"errors"
	"fmt"
)

// ErrInconsistent is wrapped by Verify's report of a store whose structures disagree.
var ErrInconsistent = errors.New("store: inconsistent")

// Verify checks that the store's structures agree with one another, as etcd's verification checks
// do (ETCD_VERIFY): every node of the trees is linked to its parent under its own name and path,
// with createdIndex <= modifiedIndex <= the etcd index, directories without a value; the TTL queue
// holds exactly the expiring nodes still in the user tree, each at its own heap position; the
// event history is consecutive and ends at the etcd index. It reads the store only, and reports
// the first disagreement it finds.
func (s *Store) Verify() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	expiring := 0
	for _, ns := range []*namespace{&s.user, &s.system} {
		if err := s.verifyTree(ns.root, ns.internal, &expiring); err != nil {
			return err
		}
	}
	if err := s.verifyTTLQueue(expiring); err != nil {
		return err
	}
	return s.verifyHistory()
}

// verifyTree checks n and everything below it, counting the expiring nodes of the user tree.
func (s *Store) verifyTree(n *node, internal bool, expiring *int) error {
	switch {
	case n.createdIndex > n.modifiedIndex || n.modifiedIndex > s.index:
		return fmt.Errorf("%w: %s: created %d, modified %d, etcd index %d", ErrInconsistent, n.path, n.createdIndex, n.modifiedIndex, s.index)
	case n.dir && (n.value != "" || n.children == nil):
		return fmt.Errorf("%w: directory %s has a value or no children map", ErrInconsistent, n.path)
	case !n.dir && len(n.children) > 0:
		return fmt.Errorf("%w: file %s has children", ErrInconsistent, n.path)
	case n.expires && internal:
		return fmt.Errorf("%w: internal node %s expires", ErrInconsistent, n.path)
	}
	if n.expires {
		*expiring++
		if n.heapIndex < 0 {
			return fmt.Errorf("%w: %s expires at %d but is not in the TTL queue", ErrInconsistent, n.path, n.expiration)
		}
	} else if n.heapIndex >= 0 {
		return fmt.Errorf("%w: permanent node %s is in the TTL queue", ErrInconsistent, n.path)
	}
	for name, c := range n.children {
		want := childPath(n.path, name)
		if c.parent != n || c.name != name || c.path != want {
			return fmt.Errorf("%w: child %q of %s is linked as %q under %s (path %s, want %s)",
				ErrInconsistent, name, n.path, c.name, parentPath(c), c.path, want)
		}
		if err := s.verifyTree(c, internal, expiring); err != nil {
			return err
		}
	}
	return nil
}

// verifyTTLQueue checks that the queue holds expiring user nodes still in the tree, at their heap
// positions, in heap order, and as many as the tree has (so every one of them).
func (s *Store) verifyTTLQueue(expiring int) error {
	q := s.ttl.nodes
	for i, n := range q {
		switch {
		case n.heapIndex != i:
			return fmt.Errorf("%w: TTL queue position %d holds %s, which says %d", ErrInconsistent, i, n.path, n.heapIndex)
		case !n.expires:
			return fmt.Errorf("%w: TTL queue holds permanent node %s", ErrInconsistent, n.path)
		case !s.attached(n):
			return fmt.Errorf("%w: TTL queue holds %s, which is no longer in the tree", ErrInconsistent, n.path)
		case i > 0 && s.ttl.Less(i, (i-1)/2):
			return fmt.Errorf("%w: TTL queue out of heap order at %s", ErrInconsistent, n.path)
		}
	}
	if len(q) != expiring {
		return fmt.Errorf("%w: TTL queue holds %d nodes, the tree has %d expiring", ErrInconsistent, len(q), expiring)
	}
	return nil
}

// attached reports whether n hangs, through its parents, from the user tree's root.
func (s *Store) attached(n *node) bool {
	for ; n.parent != nil; n = n.parent {
		if n.parent.children[n.name] != n {
			return false
		}
	}
	return n == s.user.root
}

// verifyHistory checks that the history's events have consecutive indexes ending at the etcd index.
func (s *Store) verifyHistory() error {
	h := s.history
	if h.count == 0 {
		return nil
	}
	if last := h.lastIndex(); last != s.index {
		return fmt.Errorf("%w: the event history ends at %d, the etcd index is %d", ErrInconsistent, last, s.index)
	}
	for i := 1; i < h.count; i++ {
		if prev, cur := h.at(i-1).event.Index(), h.at(i).event.Index(); cur != prev+1 {
			return fmt.Errorf("%w: the event history jumps from %d to %d", ErrInconsistent, prev, cur)
		}
	}
	return nil
}

func parentPath(n *node) string {
	if n.parent == nil {
		return "(none)"
	}
	return n.parent.path
}
