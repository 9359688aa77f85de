package store

// SetInternal stores value at path in the hidden internal namespace (cluster membership records,
// ETCD_V2_API.md §4), creating missing directories. Like a user write it takes the next index and
// enters the event history, but it never shows under the user key space and never reaches user
// watchers. It counts as a set in Stats.
func (s *Store) SetInternal(path, value string) (*Event, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, err := s.set(&s.system, cleanKey(path), &Request{Op: OpSet, Value: value})
	s.stats.count(OpSet, err == nil)
	if err != nil {
		return nil, err
	}
	return e, nil
}

// DeleteInternal removes path from the internal namespace (a directory needs recursive), taking the
// next index like SetInternal. It counts as a delete in Stats.
func (s *Store) DeleteInternal(path string, recursive bool) (*Event, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, err := s.delete(&s.system, cleanKey(path), recursive, recursive, 0)
	s.stats.count(OpDelete, err == nil)
	if err != nil {
		return nil, err
	}
	return e, nil
}

// GetInternal reads path from the internal namespace; directories list their children (the whole
// subtree with recursive), in key order. Internal reads do not count in Stats.
func (s *Store) GetInternal(path string, recursive bool) (*Event, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, err := s.get(&s.system, cleanKey(path), recursive, 0)
	if err != nil {
		return nil, err
	}
	return e, nil
}
