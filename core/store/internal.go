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
// subtree with recursive), in key order. Internal reads do not count in Stats (see CountGet).
func (s *Store) GetInternal(path string, recursive bool) (*Event, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, err := s.get(&s.system, cleanKey(path), recursive, 0)
	if err != nil {
		return nil, err
	}
	return e, nil
}

// CountGet counts in Stats a get the store did not serve: etcd keeps its v2 auth records in its
// v2 store and reads whether auth is enabled there once per keys request and membership change,
// a get in /v2/stats/store; kvd's HTTP layer counts the same read of its own records here.
func (s *Store) CountGet(ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stats.countGet(ok)
}

// AuthFlag reads whether auth is enabled (the internal flag is "true") as etcd's v2 auth does once
// per keys request and membership change; with count, the read is counted in Stats as CountGet
// counts it (failed until the flag was first written). It is GetInternal of the flag and CountGet
// in one lock and without their allocations: every client request makes this read.
func (s *Store) AuthFlag(count bool) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.internalValue(AuthEnabledPath)
	if count {
		s.stats.countGet(ok)
	}
	return v == "true"
}

// ApplyInternal applies one write to the internal namespace: OpSet and OpDelete exactly as
// SetInternal and DeleteInternal do (so logs written before the other ops existed replay the same),
// and the conditional OpCreate, OpCompareAndSwap and OpCompareAndDelete as the user key space has
// them, so that read-modify-write changes of internal records (the v2 auth users and roles) made
// through different members cannot overwrite each other. Any other op is refused. A write with a
// Caller needs the root role while auth is enabled.
func (s *Store) ApplyInternal(r Request) (*Event, error) {
	if err := s.authorizeInternal(&r); err != nil {
		return nil, err
	}
	if key := cleanKey(r.Key); len(key) > MaxKeyBytes {
		return nil, KeyTooLong(len(key), MaxKeyBytes, s.Index())
	}
	switch r.Op {
	case OpSet:
		return s.SetInternal(r.Key, r.Value)
	case OpDelete:
		return s.DeleteInternal(r.Key, r.Recursive)
	case OpCreate, OpCompareAndSwap, OpCompareAndDelete:
	default:
		return nil, NewError(EcodeRaftInternal, "store: internal writes are set, create, compareAndSwap, delete or compareAndDelete, not "+r.Op.String(), 0)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ns, key := &s.system, cleanKey(r.Key)
	var e *Event
	var err *Error
	switch r.Op {
	case OpCreate:
		e, err = s.create(ns, key, &r, false)
	case OpCompareAndSwap:
		e, err = s.compareAndSwap(ns, key, &r)
	default:
		e, err = s.compareAndDelete(ns, key, &r)
	}
	s.stats.count(r.Op, err == nil)
	if err != nil {
		return nil, err
	}
	return e, nil
}

// authorizeInternal is authorize for an internal write.
func (s *Store) authorizeInternal(r *Request) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.authorize(r, true); err != nil {
		s.stats.count(r.Op, false)
		return err
	}
	return nil
}
