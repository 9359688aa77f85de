package store

import (
	"path"
	"strings"
	"sync"
)

// namespace is one tree of the store: the user key space or the hidden internal one.
type namespace struct {
	root     *node
	internal bool
}

// Store is the etcd v2 key space: the user tree, the hidden internal tree, one etcd index, the
// event history, the TTL queue and the watchers. All methods are safe for concurrent use.
type Store struct {
	mu       sync.Mutex
	index    uint64
	user     namespace
	system   namespace
	ttl      ttlQueue
	history  *eventHistory
	watchers *watcherHub
	stats    Stats
}

// New returns an empty store at index 0.
func New() *Store {
	return &Store{
		user:     namespace{root: newRoot()},
		system:   namespace{root: newRoot(), internal: true},
		history:  newEventHistory(historyCapacity),
		watchers: newWatcherHub(),
	}
}

// Index is the current etcd index.
func (s *Store) Index() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.index
}

// Stats returns a copy of the counters, with the current number of watchers.
func (s *Store) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.stats
	st.Watchers = uint64(s.watchers.count)
	return st
}

// NextExpiration is the earliest expiration among live nodes (false when no node has a TTL), so
// the leader knows when to propose OpSync.
func (s *Store) NextExpiration() (int64, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if n := s.ttl.top(); n != nil {
		return n.expiration, true
	}
	return 0, false
}

// cleanKey normalises a key the way etcd does: path.Clean("/" + key).
func cleanKey(key string) string {
	if len(key) > 0 && key[0] == '/' && !strings.Contains(key, "//") && !strings.Contains(key, "/.") &&
		(len(key) == 1 || key[len(key)-1] != '/') {
		return key
	}
	return path.Clean("/" + key)
}

// lookup finds the node at p (clean). A missing segment gives 100 with the first missing prefix as
// cause; a file in the middle gives 104 with that file's path.
func (s *Store) lookup(ns *namespace, p string) (*node, *Error) {
	cur := ns.root
	if p == "/" {
		return cur, nil
	}
	for end := 1; end <= len(p); end++ {
		if end < len(p) && p[end] != '/' {
			continue
		}
		if !cur.dir {
			return nil, NewError(EcodeNotDir, cur.path, s.index)
		}
		child, ok := cur.children[p[len(cur.path)+boolInt(cur.path != "/"):end]]
		if !ok {
			return nil, NewError(EcodeKeyNotFound, p[:end], s.index)
		}
		cur = child
	}
	return cur, nil
}

// boolInt is 1 for true.
func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// ensureDir returns the directory at p, creating missing directories with the next index. A file on
// the way gives 104 before anything is created (once one directory is missing, everything below it
// is new too).
func (s *Store) ensureDir(ns *namespace, p string) (*node, *Error) {
	cur := ns.root
	if p == "/" {
		return cur, nil
	}
	for end := 1; end <= len(p); end++ {
		if end < len(p) && p[end] != '/' {
			continue
		}
		name := p[len(cur.path)+boolInt(cur.path != "/") : end]
		child, ok := cur.children[name]
		if !ok {
			child = &node{path: p[:end], name: name, parent: cur, dir: true, children: map[string]*node{},
				createdIndex: s.index + 1, modifiedIndex: s.index + 1, heapIndex: -1}
			cur.children[name] = child
		} else if !child.dir {
			return nil, NewError(EcodeNotDir, child.path, s.index)
		}
		cur = child
	}
	return cur, nil
}

// detach removes n and its subtree from the tree and the TTL queue.
func (s *Store) detach(n *node) {
	if n.parent != nil {
		delete(n.parent.children, n.name)
	}
	s.dropTTL(n)
}

// dropTTL takes n and all its descendants off the TTL queue.
func (s *Store) dropTTL(n *node) {
	s.ttl.drop(n)
	for _, c := range n.children {
		s.dropTTL(c)
	}
}

// commit records a successful mutation at the new index: history, then live watchers. A refresh is
// kept in the history but never delivered.
func (s *Store) commit(ns *namespace, e *Event) {
	s.index = e.Node.ModifiedIndex
	e.EtcdIndex = s.index
	kept := *e
	s.history.add(record{event: &kept, internal: ns.internal})
	if !ns.internal && !kept.Refresh {
		s.watchers.notify(&kept)
	}
}

// newEvent starts an event for key at the given indexes.
func newEvent(action, key string, modified, created uint64) *Event {
	return &Event{Action: action, Node: &NodeExtern{Key: userKey(key), ModifiedIndex: modified, CreatedIndex: created}}
}
