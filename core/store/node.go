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
	var e *NodeExtern
	if n.dir {
		e = &NodeExtern{Dir: true}
		if list && len(n.children) > 0 {
			for _, c := range n.sortedChildren() {
				if c.hidden() {
					continue
				}
				e.Nodes = append(e.Nodes, c.extern(now, deep, deep))
			}
		}
	} else {
		kv := &externKey{value: n.value} // the node and its value in one allocation
		e = &kv.node
		e.Value = &kv.value
	}
	e.Key, e.ModifiedIndex, e.CreatedIndex = userKey(n.path), n.modifiedIndex, n.createdIndex
	if n.expires {
		e.Expiration = expirationTime(n.expiration)
		if now != 0 {
			e.TTL = ttlSeconds(n.expiration, now)
		}
	}
	return e
}
