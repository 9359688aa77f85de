package store

// Get reads key (action "get"). A directory lists its non-hidden children, and with recursive the
// whole subtree. Children are always in byte order of their keys, so sorted changes nothing (etcd's
// unsorted order is undefined; byte order keeps replicas identical). now is only used for ttl fields
// (0 leaves them out).
// The event's EtcdIndex is the current index.
func (s *Store) Get(key string, recursive, sorted bool, now int64) (*Event, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, err := s.get(&s.user, cleanKey(key), recursive, now)
	s.stats.countGet(err == nil)
	if err != nil {
		return nil, err
	}
	return e, nil
}

// get reads a node of ns.
func (s *Store) get(ns *namespace, key string, recursive bool, now int64) (*Event, *Error) {
	n, err := s.lookup(ns, key)
	if err != nil {
		return nil, err
	}
	var e *Event
	if n.dir {
		e = &Event{Action: ActionGet, Node: n.extern(now, true, recursive)}
	} else {
		e = newEventWithNode(ActionGet, n, now)
	}
	e.EtcdIndex = s.index
	return e, nil
}
