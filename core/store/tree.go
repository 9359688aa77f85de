package store

// lookup finds the node at p (clean). A missing segment gives 100 with the first missing prefix as
// cause; a file in the middle gives 104 with that file's path.
func (s *Store) lookup(ns *namespace, p string) (*node, *Error) {
	n, m := find(ns, p)
	if n == nil {
		return nil, NewError(m.code, m.cause, s.index)
	}
	return n, nil
}

// miss is why find found no node: the etcd error code and its cause, both what lookup reports.
// It is a plain value, so a caller that only needs the code (set, when the key is new) allocates
// no error.
type miss struct {
	code  int
	cause string
}

// find is lookup without the error allocation: the node at p, or nil and why.
func find(ns *namespace, p string) (*node, miss) {
	cur := ns.root
	if p == "/" {
		return cur, miss{}
	}
	for end := 1; end <= len(p); end++ {
		if end < len(p) && p[end] != '/' {
			continue
		}
		if !cur.dir {
			return nil, miss{code: EcodeNotDir, cause: cur.path}
		}
		child, ok := cur.children[segmentBelow(cur, p, end)]
		if !ok {
			return nil, miss{code: EcodeKeyNotFound, cause: p[:end]}
		}
		cur = child
	}
	return cur, miss{}
}

// segmentBelow is the segment of p that ends at end and names a child of dir (p[:end] is that
// child's path).
func segmentBelow(dir *node, p string, end int) string {
	if dir.path == "/" {
		return p[1:end]
	}
	return p[len(dir.path)+1 : end]
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
		name := segmentBelow(cur, p, end)
		child, ok := cur.children[name]
		if !ok {
			child = &node{path: p[:end], name: name, parent: cur, dir: true, children: map[string]*node{},
				createdIndex: s.index + 1, modifiedIndex: s.index + 1, heapIndex: -1}
			cur.children[name] = child
			s.dataBytes += nodeBytes(child)
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
	s.dataBytes -= subtreeBytes(n)
}

// dropTTL takes n and all its descendants off the TTL queue.
func (s *Store) dropTTL(n *node) {
	s.ttl.drop(n)
	for _, c := range n.children {
		s.dropTTL(c)
	}
}
