package store

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/raftlab/raftlab/core/mark"
)

// snapshotFormat names the snapshot encoding; Recovery refuses anything else.
const snapshotFormat = "raftlab-store/1"

// snapshot is the serialised state: the index, both trees in pre-order (children in key order) and
// the event history, oldest first. Watchers and stats are local and not included.
type snapshot struct {
	Format   string          `json:"format"`
	Index    uint64          `json:"index"`
	User     []snapshotNode  `json:"user"`
	Internal []snapshotNode  `json:"internal"`
	History  []snapshotEvent `json:"history"`
}

// snapshotNode is one non-root node.
type snapshotNode struct {
	Path          string `json:"path"`
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
	s.mu.Lock()
	defer s.mu.Unlock()
	snap := snapshot{Format: snapshotFormat, Index: s.index,
		User: flatten(s.user.root, nil), Internal: flatten(s.system.root, nil)}
	snap.History = make([]snapshotEvent, 0, s.history.count)
	for i := 0; i < s.history.count; i++ {
		rec := s.history.at(i)
		snap.History = append(snap.History, snapshotEvent{Event: rec.event, Refresh: rec.event.Refresh, Internal: rec.internal})
	}
	data, err := json.Marshal(&snap)
	if err != nil {
		return nil, fmt.Errorf("store: encode snapshot: %w", err)
	}
	return data, nil
}

// flatten appends n's descendants in pre-order, children in key order.
func flatten(n *node, out []snapshotNode) []snapshotNode {
	for _, c := range n.sortedChildren() {
		out = append(out, snapshotNode{Path: c.path, Dir: c.dir, Value: c.value, Expires: c.expires,
			Expiration: c.expiration, CreatedIndex: c.createdIndex, ModifiedIndex: c.modifiedIndex})
		out = flatten(c, out)
	}
	return out
}

// ErrCorruptSnapshot is wrapped by every Recovery error about the snapshot's content.
var ErrCorruptSnapshot = errors.New("store: corrupt snapshot")

// Recovery replaces the state with a snapshot made by Save. On any error the store is unchanged.
// Registered watchers stay registered and are given the matching events of the restored history
// that they have not seen; a watcher whose next event fell out of the window is closed.
func (s *Store) Recovery(data []byte) error {
	var snap snapshot
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&snap); err != nil {
		return fmt.Errorf("%w: %w", ErrCorruptSnapshot, err)
	}
	if dec.More() {
		return fmt.Errorf("%w: trailing data after the snapshot", ErrCorruptSnapshot)
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
	s.ttl = ttl
	s.history = history
	s.catchUpWatchers(seen + 1)
	return nil
}

// rebuild turns a pre-order node list back into a tree, queueing expiring nodes on ttl.
func rebuild(nodes []snapshotNode, index uint64, ttl *ttlQueue) (*node, error) {
	root := newRoot()
	byPath := map[string]*node{"/": root}
	for i, sn := range nodes {
		switch {
		case sn.Path == "/" || cleanKey(sn.Path) != sn.Path:
			return nil, fmt.Errorf("node %d: invalid path %q", i, sn.Path)
		case byPath[sn.Path] != nil:
			return nil, fmt.Errorf("node %d: duplicate path %q", i, sn.Path)
		case sn.Dir && sn.Value != "":
			return nil, fmt.Errorf("node %q: directory with a value", sn.Path)
		case sn.CreatedIndex > sn.ModifiedIndex || sn.ModifiedIndex > index:
			return nil, fmt.Errorf("node %q: indexes created %d, modified %d, store %d", sn.Path,
				sn.CreatedIndex, sn.ModifiedIndex, index)
		case !sn.Expires && sn.Expiration != 0:
			return nil, fmt.Errorf("node %q: expiration without a TTL", sn.Path)
		}
		parent := byPath[parentOf(sn.Path)]
		if parent == nil || !parent.dir {
			return nil, fmt.Errorf("node %q: parent missing or not a directory", sn.Path)
		}
		n := &node{path: sn.Path, name: baseOf(sn.Path), parent: parent, dir: sn.Dir, value: sn.Value,
			createdIndex: sn.CreatedIndex, modifiedIndex: sn.ModifiedIndex, expires: sn.Expires,
			expiration: sn.Expiration, heapIndex: -1}
		if n.dir {
			n.children = map[string]*node{}
		}
		parent.children[n.name] = n
		byPath[n.path] = n
		ttl.track(n)
	}
	return root, nil
}

// rebuildHistory checks the events (one per index, consecutive, ending at the store index) and
// refills a window.
func rebuildHistory(events []snapshotEvent, index uint64) (*eventHistory, error) {
	if len(events) > historyCapacity {
		return nil, fmt.Errorf("%d events, at most %d allowed", len(events), historyCapacity)
	}
	h := newEventHistory(historyCapacity)
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
