package store

import (
	"slices"
	"strings"
)

// node is one directory or file of the tree.
type node struct {
	path          string // full path inside its namespace; "/" for the root
	name          string // last path segment; "" for the root
	parent        *node
	dir           bool
	value         string
	children      map[string]*node
	createdIndex  uint64
	modifiedIndex uint64
	expires       bool
	expiration    int64 // unix nanoseconds, meaningful when expires
	heapIndex     int   // position in the TTL queue, -1 when not queued
}

// newRoot returns an empty permanent root directory.
func newRoot() *node {
	return &node{path: "/", dir: true, children: map[string]*node{}, heapIndex: -1}
}

// hidden reports whether the node's last segment starts with "_" (left out of listings).
func (n *node) hidden() bool { return strings.HasPrefix(n.name, "_") }

// sortedChildren returns the children in byte order of their names (= byte order of their keys).
func (n *node) sortedChildren() []*node {
	out := make([]*node, 0, len(n.children))
	for _, c := range n.children {
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b *node) int { return strings.Compare(a.name, b.name) })
	return out
}

// externKey is a key's NodeExtern allocated together with the value it points to.
type externKey struct {
	node  NodeExtern
	value string
}

// extern renders the node. list adds the (non-hidden) children; deep makes those children list
// their own children too (a recursive GET). now is only used for the ttl field; 0 means "no clock"
// and leaves ttl out (expiration is still shown).
func (n *node) extern(now int64, list, deep bool) *NodeExtern {
	if !n.dir {
		return n.view(&externKey{}, now) // the node and its value in one allocation
	}
	e := &NodeExtern{}
	n.describe(e, now)
	if list {
		n.list(e, now, deep)
	}
	return e
}

// list fills e.Nodes with the views of the non-hidden children in key order (their own children
// too when deep). The views of one directory's children share one allocation: they are only ever
// reached through e, so they live exactly as long as it does.
func (n *node) list(e *NodeExtern, now int64, deep bool) {
	if len(n.children) == 0 {
		return
	}
	children := slices.DeleteFunc(n.sortedChildren(), (*node).hidden)
	if len(children) == 0 {
		return
	}
	views := make([]externKey, len(children))
	e.Nodes = make([]*NodeExtern, len(children))
	for i, c := range children {
		e.Nodes[i] = c.view(&views[i], now)
		if c.dir && deep {
			c.list(e.Nodes[i], now, deep)
		}
	}
}

// view renders the node without children into into, which the caller allocated (alone or as part
// of an event's block): a file's Value points at into.value. now is as for extern.
func (n *node) view(into *externKey, now int64) *NodeExtern {
	e := &into.node
	n.describe(e, now)
	if !n.dir {
		into.value = n.value
		e.Value = &into.value
	}
	return e
}

// describe sets the fields every view of the node has: key, dir, indexes and expiry.
func (n *node) describe(e *NodeExtern, now int64) {
	e.Key, e.Dir, e.ModifiedIndex, e.CreatedIndex = userKey(n.path), n.dir, n.modifiedIndex, n.createdIndex
	if n.expires {
		e.Expiration = expirationTime(n.expiration)
		if now != 0 {
			e.TTL = ttlSeconds(n.expiration, now)
		}
	}
}
