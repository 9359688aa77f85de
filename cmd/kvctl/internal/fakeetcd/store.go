package fakeetcd

import (
	"fmt"
	"path"
	"sort"
	"strings"
)

// entry is one stored node.
type entry struct {
	value      string
	dir        bool
	ttl        int64
	expiration string
	created    uint64
	modified   uint64
}

// storeError is a v2 store error: a code and its cause.
type storeError struct {
	code  int
	cause string
}

func (e *storeError) Error() string {
	return fmt.Sprintf("%d: %s (%s)", e.code, errorMessage(e.code), e.cause)
}

// historyEvent is one event kept for watchers.
type historyEvent struct {
	index uint64
	key   string
	dir   bool
	body  wireEvent
}

// store is the in-memory key space. It is not safe for concurrent use; Server locks it.
type store struct {
	index   uint64
	nodes   map[string]*entry
	history []historyEvent
	cleared bool
}

// historyLimit is how many events the store keeps for watchers, as etcd does.
const historyLimit = 1000

func newStore(startIndex uint64) *store {
	return &store{index: startIndex, nodes: map[string]*entry{"/": {dir: true}}}
}

// writeOptions are the parsed parameters of a write.
type writeOptions struct {
	value      string
	dir        bool
	ttl        int64
	hasTTL     bool
	prevValue  string
	prevIndex  uint64
	prevExist  string
	expiration string
}

// isHidden tells whether the key's last segment starts with "_".
func isHidden(key string) bool {
	return strings.HasPrefix(path.Base(key), "_")
}

// ancestors lists the key's parent directories from the top, root excluded.
func ancestors(key string) []string {
	var out []string
	for p := path.Dir(key); p != "/"; p = path.Dir(p) {
		out = append([]string{p}, out...)
	}
	return out
}

// checkParents fails with 104 when a file sits in the middle of the key's path.
func (s *store) checkParents(key string) *storeError {
	for _, p := range ancestors(key) {
		if e, ok := s.nodes[p]; ok && !e.dir {
			return &storeError{104, p}
		}
	}
	return nil
}

// lookup finds a node, or fails with 100 naming the first missing prefix (or 104).
func (s *store) lookup(key string) (*entry, *storeError) {
	if err := s.checkParents(key); err != nil {
		return nil, err
	}
	for _, p := range append(ancestors(key), key) {
		if _, ok := s.nodes[p]; !ok {
			return nil, &storeError{100, p}
		}
	}
	return s.nodes[key], nil
}

// children lists the visible direct children of a directory, sorted by key.
func (s *store) children(dir string) []string {
	var out []string
	for k := range s.nodes {
		if k != "/" && path.Dir(k) == dir && !isHidden(k) {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// view renders a node. Directories list their children when withChildren is set; recursive
// renders the whole subtree. Unsorted listings come back in reverse key order.
func (s *store) view(key string, withChildren, recursive, sorted bool) *wireNode {
	e := s.nodes[key]
	n := &wireNode{Dir: e.dir, Expiration: e.expiration, TTL: e.ttl, ModifiedIndex: e.modified, CreatedIndex: e.created}
	if key != "/" {
		n.Key = key
	}
	if !e.dir {
		v := e.value
		n.Value = &v
		return n
	}
	if !withChildren {
		return n
	}
	kids := s.children(key)
	if !sorted {
		for i, j := 0, len(kids)-1; i < j; i, j = i+1, j-1 {
			kids[i], kids[j] = kids[j], kids[i]
		}
	}
	for _, k := range kids {
		n.Nodes = append(n.Nodes, s.view(k, recursive, recursive, sorted))
	}
	return n
}

// get reads a node.
func (s *store) get(key string, recursive, sorted bool) (*wireEvent, *storeError) {
	if _, err := s.lookup(key); err != nil {
		return nil, err
	}
	return &wireEvent{Action: "get", Node: s.view(key, true, recursive, sorted)}, nil
}

// record appends an event to the history.
func (s *store) record(key string, dir bool, ev wireEvent) {
	s.history = append(s.history, historyEvent{index: s.index, key: key, dir: dir, body: ev})
	if len(s.history) > historyLimit {
		s.history = s.history[len(s.history)-historyLimit:]
		s.cleared = true
	}
}

// makeParents creates the missing parent directories at the current index.
func (s *store) makeParents(key string) {
	for _, p := range ancestors(key) {
		if _, ok := s.nodes[p]; !ok {
			s.nodes[p] = &entry{dir: true, created: s.index, modified: s.index}
		}
	}
}

// put picks the store operation for a PUT the way etcd's handler does and runs it.
func (s *store) put(key string, o writeOptions) (*wireEvent, bool, *storeError) {
	if key == "/" {
		return nil, false, &storeError{107, "/"}
	}
	hasCompare := o.prevValue != "" || o.prevIndex > 0
	switch {
	case o.prevExist == "true" && !hasCompare:
		ev, err := s.update(key, o)
		return ev, false, err
	case o.prevExist == "true", o.prevExist == "" && hasCompare:
		ev, err := s.compareAndSwap(key, o)
		return ev, false, err
	case o.prevExist == "false":
		if err := s.checkParents(key); err != nil {
			return nil, false, err
		}
		if _, ok := s.nodes[key]; ok {
			return nil, false, &storeError{105, key}
		}
		return s.write(key, "create", o), true, nil
	default:
		if err := s.checkParents(key); err != nil {
			return nil, false, err
		}
		if e, ok := s.nodes[key]; ok && e.dir {
			return nil, false, &storeError{102, key}
		}
		_, existed := s.nodes[key]
		return s.write(key, "set", o), !existed, nil
	}
}

// write replaces (or creates) a node and records the event.
func (s *store) write(key, action string, o writeOptions) *wireEvent {
	var prev *wireNode
	if _, ok := s.nodes[key]; ok {
		prev = s.view(key, false, false, true)
	}
	s.index++
	s.makeParents(key)
	e := &entry{dir: o.dir, created: s.index, modified: s.index}
	if !o.dir {
		e.value = o.value
	}
	if o.hasTTL {
		e.ttl, e.expiration = o.ttl, o.expiration
	}
	s.nodes[key] = e
	ev := wireEvent{Action: action, Node: s.view(key, false, false, true), PrevNode: prev}
	s.record(key, o.dir, ev)
	return &ev
}

// modify changes an existing node in place (update, compareAndSwap).
func (s *store) modify(key, action string, o writeOptions) *wireEvent {
	prev := s.view(key, false, false, true)
	e := s.nodes[key]
	s.index++
	e.modified = s.index
	if !e.dir {
		e.value = o.value
	}
	e.ttl, e.expiration = 0, ""
	if o.hasTTL {
		e.ttl, e.expiration = o.ttl, o.expiration
	}
	ev := wireEvent{Action: action, Node: s.view(key, false, false, true), PrevNode: prev}
	s.record(key, e.dir, ev)
	return &ev
}

func (s *store) update(key string, o writeOptions) (*wireEvent, *storeError) {
	e, err := s.lookup(key)
	if err != nil {
		return nil, err
	}
	if e.dir && o.value != "" {
		return nil, &storeError{102, key}
	}
	return s.modify(key, "update", o), nil
}

func (s *store) compareAndSwap(key string, o writeOptions) (*wireEvent, *storeError) {
	e, err := s.lookup(key)
	if err != nil {
		return nil, err
	}
	if e.dir {
		return nil, &storeError{102, key}
	}
	if cause, ok := compare(e, o.prevValue, o.prevIndex); !ok {
		return nil, &storeError{101, cause}
	}
	return s.modify(key, "compareAndSwap", o), nil
}

// compare checks prevValue/prevIndex against a node and builds etcd's failure cause.
func compare(e *entry, prevValue string, prevIndex uint64) (string, bool) {
	valueOK := prevValue == "" || prevValue == e.value
	indexOK := prevIndex == 0 || prevIndex == e.modified
	switch {
	case valueOK && indexOK:
		return "", true
	case valueOK:
		return fmt.Sprintf("[%d != %d]", prevIndex, e.modified), false
	case indexOK:
		return fmt.Sprintf("[%s != %s]", prevValue, e.value), false
	default:
		return fmt.Sprintf("[%s != %s] [%d != %d]", prevValue, e.value, prevIndex, e.modified), false
	}
}

// createInOrder makes dir/<20-digit index> (POST).
func (s *store) createInOrder(dir string, o writeOptions) (*wireEvent, *storeError) {
	if e, ok := s.nodes[dir]; ok && !e.dir {
		return nil, &storeError{104, dir}
	}
	if err := s.checkParents(dir); err != nil {
		return nil, err
	}
	key := path.Join(dir, fmt.Sprintf("%020d", s.index+1))
	if _, ok := s.nodes[dir]; !ok && dir != "/" {
		s.nodes[dir] = &entry{dir: true, created: s.index + 1, modified: s.index + 1}
	}
	return s.write(key, "create", o), nil
}

// remove deletes a node (delete or compareAndDelete).
func (s *store) remove(key string, dir, recursive bool, prevValue string, prevIndex uint64) (*wireEvent, *storeError) {
	cad := prevValue != "" || prevIndex > 0
	if key == "/" && !cad {
		return nil, &storeError{107, "/"}
	}
	e, err := s.lookup(key)
	if err != nil {
		return nil, err
	}
	action := "delete"
	if cad {
		if e.dir {
			return nil, &storeError{102, key}
		}
		if cause, ok := compare(e, prevValue, prevIndex); !ok {
			return nil, &storeError{101, cause}
		}
		action = "compareAndDelete"
	} else if e.dir {
		if !dir && !recursive {
			return nil, &storeError{102, key}
		}
		if !recursive && s.hasChildren(key) {
			return nil, &storeError{108, key}
		}
	}
	prev := s.view(key, false, false, true)
	s.index++
	for k := range s.nodes {
		if k == key || strings.HasPrefix(k, key+"/") {
			delete(s.nodes, k)
		}
	}
	node := &wireNode{Key: key, Dir: e.dir, ModifiedIndex: s.index, CreatedIndex: e.created}
	ev := wireEvent{Action: action, Node: node, PrevNode: prev}
	s.record(key, e.dir, ev)
	return &ev, nil
}

// hasChildren tells whether a directory has any child, hidden ones included.
func (s *store) hasChildren(dir string) bool {
	for k := range s.nodes {
		if k != "/" && path.Dir(k) == dir {
			return true
		}
	}
	return false
}

// matches tells whether a recorded event is one a watcher of key wants.
func (h *historyEvent) matches(key string, recursive bool) bool {
	switch {
	case h.key == key:
		return true
	case recursive && (key == "/" || strings.HasPrefix(h.key, key+"/")):
		return true
	case h.dir && (h.body.Action == "delete" || h.body.Action == "expire") && strings.HasPrefix(key, h.key+"/"):
		return true
	}
	return false
}

// firstEvent finds the first recorded event at or after waitIndex that the watcher wants.
// It fails with 401 when waitIndex is older than the history.
func (s *store) firstEvent(key string, recursive bool, waitIndex uint64) (*wireEvent, *storeError) {
	if s.cleared && waitIndex < s.history[0].index {
		return nil, &storeError{401, fmt.Sprintf("the requested history has been cleared [%d/%d]", s.history[0].index, waitIndex)}
	}
	for i := range s.history {
		h := &s.history[i]
		if h.index >= waitIndex && h.matches(key, recursive) {
			ev := h.body
			return &ev, nil
		}
	}
	return nil, nil
}
