package store

import (
	"errors"
	"fmt"
	"strings"

	"github.com/raftlab/raftlab/core/mark"
)

// snapshotFormat names the snapshot encoding; Recovery refuses anything else. Format 1 wrote every
// node's full path, so a chain of directories cost the square of its depth; format 2 writes names.
const snapshotFormat = "raftlab-store/2"

// snapshot is the serialised state: the index, both trees in pre-order (children in key order) and
// the event history, oldest first. Watchers and stats are local and not included.
type snapshot struct {
	Format   string          `json:"format"`
	Index    uint64          `json:"index"`
	User     []snapshotNode  `json:"user"`
	Internal []snapshotNode  `json:"internal"`
	History  []snapshotEvent `json:"history"`
}

// snapshotNode is one non-root node: its name and its depth (1 for a child of the root), which in
// pre-order is enough to place it under the last node seen one level up. Writing names instead of
// paths keeps a snapshot's size linear in the tree's, whatever the shape of its keys.
type snapshotNode struct {
	Name          string `json:"name"`
	Depth         int    `json:"depth"`
	Dir           bool   `json:"dir,omitempty"`
	Value         string `json:"value,omitempty"`
	Expires       bool   `json:"expires,omitempty"`
	Expiration    int64  `json:"expiration,omitempty"`
	CreatedIndex  uint64 `json:"createdIndex"`
	ModifiedIndex uint64 `json:"modifiedIndex"`
}

// snapshotEvent is one history record.
type snapshotEvent struct {
	Event    *Event `json:"event"`
	Refresh  bool   `json:"refresh,omitempty"`
	Internal bool   `json:"internal,omitempty"`
}

// Save serialises the store. The same state always gives the same bytes.
func (s *Store) Save() ([]byte, error) {
	return s.AppendSnapshot(make([]byte, 0, s.DataBytes()+4096))
}

// ErrCorruptSnapshot is wrapped by every Recovery error about the snapshot's content.
var ErrCorruptSnapshot = errors.New("store: corrupt snapshot")

// Recovery replaces the state with a snapshot made by Save. On any error the store is unchanged.
// Registered watchers stay registered and are given the matching events of the restored history
// that they have not seen; a watcher whose next event fell out of the window is closed.
func (s *Store) Recovery(data []byte) error {
	snap, err := decodeSnapshot(data)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrCorruptSnapshot, err)
	}
	if snap.Format != snapshotFormat {
		return fmt.Errorf("%w: format %q, want %q", ErrCorruptSnapshot, snap.Format, snapshotFormat)
	}
	var ttl ttlQueue
	user, err := rebuild(snap.User, snap.Index, &ttl)
	if err != nil {
		return fmt.Errorf("%w: user tree: %w", ErrCorruptSnapshot, err)
	}
	var noTTL ttlQueue
	system, err := rebuild(snap.Internal, snap.Index, &noTTL)
	if err != nil {
		return fmt.Errorf("%w: internal tree: %w", ErrCorruptSnapshot, err)
	}
	if noTTL.Len() > 0 {
		return fmt.Errorf("%w: internal tree: nodes with a TTL", ErrCorruptSnapshot)
	}
	history, err := rebuildHistory(snap.History, snap.Index)
	if err != nil {
		return fmt.Errorf("%w: history: %w", ErrCorruptSnapshot, err)
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	s.marks.Hit(mark.StoreRecovered)
	seen := s.index
	s.setIndex(snap.Index)
	s.user.root, s.system.root = user, system
	s.dataBytes = subtreeBytes(user) + subtreeBytes(system) - nodeBytes(user) - nodeBytes(system)
	s.ttl = ttl
	s.history = history
	s.catchUpWatchers(seen + 1)
	return nil
}

// rebuild turns a pre-order node list back into a tree, queueing expiring nodes on ttl.
func rebuild(nodes []snapshotNode, index uint64, ttl *ttlQueue) (*node, error) {
	root := newRoot()
	chain := []*node{root} // chain[d] is the last node placed at depth d
	placed := make([]*node, len(nodes))
	for i, sn := range nodes {
		if sn.Depth < 1 || sn.Depth > len(chain) {
			return nil, fmt.Errorf("node %d (%q): depth %d after depth %d", i, sn.Name, sn.Depth, len(chain)-1)
		}
		parent := chain[sn.Depth-1]
		if err := checkSnapshotNode(sn, parent, index); err != nil {
			return nil, fmt.Errorf("node %d (%q): %w", i, sn.Name, err)
		}
		n := &node{name: sn.Name, parent: parent, dir: sn.Dir, value: sn.Value,
			createdIndex: sn.CreatedIndex, modifiedIndex: sn.ModifiedIndex, expires: sn.Expires,
			expiration: sn.Expiration, heapIndex: -1}
		if n.dir {
			n.children = map[string]*node{}
		}
		parent.children[n.name] = n
		chain = append(chain[:sn.Depth], n)
		placed[i] = n
	}
	for i, n := range placed {
		if i == len(placed)-1 || nodes[i+1].Depth <= nodes[i].Depth {
			setPathsFromLeaf(n)
		}
	}
	for _, n := range placed {
		ttl.track(n) // the queue orders by path: only now are they all set
	}
	return root, nil
}

// checkSnapshotNode checks one node of a snapshot against its parent and the store index.
func checkSnapshotNode(sn snapshotNode, parent *node, index uint64) error {
	switch {
	case !parent.dir:
		return errors.New("parent is not a directory")
	case sn.Name == "" || sn.Name == "." || sn.Name == ".." || strings.IndexByte(sn.Name, '/') >= 0:
		return errors.New("invalid name")
	case parent.children[sn.Name] != nil:
		return errors.New("duplicate name")
	case sn.Dir && sn.Value != "":
		return errors.New("directory with a value")
	case sn.CreatedIndex > sn.ModifiedIndex || sn.ModifiedIndex > index:
		return fmt.Errorf("indexes created %d, modified %d, store %d", sn.CreatedIndex, sn.ModifiedIndex, index)
	case !sn.Expires && sn.Expiration != 0:
		return errors.New("expiration without a TTL")
	}
	return nil
}

// setPathsFromLeaf gives leaf (a node without children) its full path, and every ancestor that has
// none yet a prefix of that same string: a directory's path is a prefix of its first leaf's, so a
// chain of directories costs one string, as it did when one write created it, instead of one per
// level.
func setPathsFromLeaf(leaf *node) {
	var unset []*node // leaf and its ancestors without a path, deepest first
	top := leaf
	for ; top.path == ""; top = top.parent {
		unset = append(unset, top)
	}
	prefix := top.path
	if top.parent == nil {
		prefix = "" // the root's "/" does not begin its children's paths
	}
	size := len(prefix)
	for _, n := range unset {
		size += 1 + len(n.name)
	}
	var b strings.Builder
	b.Grow(size) // exactly: the string keeps the builder's buffer
	b.WriteString(prefix)
	ends := make([]int, len(unset))
	for i := len(unset) - 1; i >= 0; i-- {
		b.WriteByte('/')
		b.WriteString(unset[i].name)
		ends[i] = b.Len()
	}
	full := b.String()
	for i, n := range unset {
		n.path = full[:ends[i]]
	}
}

// rebuildHistory checks the events (one per index, consecutive, ending at the store index) and
// refills a window.
func rebuildHistory(events []snapshotEvent, index uint64) (*eventHistory, error) {
	if len(events) > historyCapacity {
		return nil, fmt.Errorf("%d events, at most %d allowed", len(events), historyCapacity)
	}
	h := newEventHistory(historyCapacity, HistoryMaxBytes)
	for i, se := range events {
		e := se.Event
		if e == nil || e.Node == nil {
			return nil, fmt.Errorf("event %d: missing node", i)
		}
		if !knownAction(e.Action) || e.Action == ActionGet {
			return nil, fmt.Errorf("event %d: invalid action %q", i, e.Action)
		}
		want := index - uint64(len(events)-1-i)
		if uint64(len(events)-1-i) > index || e.Node.ModifiedIndex != want {
			return nil, fmt.Errorf("event %d: index %d, want %d", i, e.Node.ModifiedIndex, want)
		}
		e.EtcdIndex = e.Node.ModifiedIndex
		e.Refresh = se.Refresh
		h.add(record{event: e, internal: se.Internal})
	}
	return h, nil
}

// knownAction reports whether a is one of the event actions.
func knownAction(a string) bool {
	switch a {
	case ActionGet, ActionSet, ActionCreate, ActionUpdate, ActionCompareAndSwap, ActionDelete,
		ActionCompareAndDelete, ActionExpire:
		return true
	}
	return false
}

// catchUpWatchers gives every registered watcher the restored history events from index from on;
// if those are no longer all in the window, the watcher is dropped (closed) so its client
// re-watches and gets a clear 401.
func (s *Store) catchUpWatchers(from uint64) {
	start := s.history.startIndex()
	for _, w := range s.watchers.all() {
		switch {
		case from < start:
			s.marks.Hit(mark.StoreRecoveryClosedWatcher)
			s.watchers.unregister(w)
			w.close()
		case !s.replay(w, from):
			s.watchers.unregister(w) // served (one-shot) or overflowed (already closed)
		}
	}
}
