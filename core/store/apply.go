package store

import (
	"fmt"
	"unicode/utf8"

	"github.com/raftlab/raftlab/core/mark"
)

// Apply executes one committed request. On success the index has grown by one (OpSync: by one per
// expired node, returning the last expire event, or nil when nothing expired) and the event has been
// recorded and delivered to live watchers. Store errors are always *Error and change nothing.
func (s *Store) Apply(r Request) (*Event, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r.Op == OpSync {
		evs := s.expire(r.Time)
		if len(evs) == 0 {
			return nil, nil
		}
		return evs[len(evs)-1], nil
	}
	if err := checkUTF8(&r, s.index); err != nil {
		s.stats.count(r.Op, false)
		return nil, err
	}
	if err := s.authorize(&r, false); err != nil {
		s.stats.count(r.Op, false)
		return nil, err
	}
	e, err := s.apply(&r)
	s.stats.countApply(r.Op, err)
	s.marks.HitIf(err != nil && (err.ErrorCode == EcodeNotFile || err.ErrorCode == EcodeNotDir), mark.StoreNotFile)
	if err != nil {
		return nil, err
	}
	return e, nil
}

// apply dispatches one mutation on the user namespace.
func (s *Store) apply(r *Request) (*Event, *Error) {
	if err := s.checkRefresh(r); err != nil {
		return nil, err
	}
	ns := &s.user
	key := cleanKey(r.Key)
	if err := s.checkKeyLength(key); err != nil {
		return nil, err
	}
	switch r.Op {
	case OpSet:
		return s.set(ns, key, r)
	case OpCreate:
		return s.create(ns, key, r, false)
	case OpCreateInOrder:
		return s.create(ns, key, r, true)
	case OpUpdate:
		return s.update(ns, key, r)
	case OpCompareAndSwap:
		return s.compareAndSwap(ns, key, r)
	case OpDelete:
		return s.delete(ns, key, r.Dir, r.Recursive, r.Time)
	case OpCompareAndDelete:
		return s.compareAndDelete(ns, key, r)
	default:
		return nil, NewError(EcodeRaftInternal, fmt.Sprintf("store: unknown op %d", r.Op), 0)
	}
}

// checkRefresh rejects a refresh without a TTL or with a value, like the HTTP layer does (index 0,
// as for request-parsing errors).
func (s *Store) checkRefresh(r *Request) *Error {
	if !r.Refresh || r.Op == OpDelete || r.Op == OpCompareAndDelete {
		return nil
	}
	if r.Value != "" {
		return NewError(EcodeRefreshValue, "A value was provided on a refresh", 0)
	}
	if !r.expiring() {
		return NewError(EcodeRefreshTTLRequired, "No TTL value set", 0)
	}
	return nil
}

// rootReadOnly is the error for writes to "/".
func (s *Store) rootReadOnly() *Error { return NewError(EcodeRootROnly, "/", s.index) }

// checkUTF8 refuses keys and values that are not valid UTF-8. Events and snapshots are JSON, which
// would silently replace such bytes with U+FFFD: a replica restored from a snapshot would then hold
// another value than the one written, and compares would diverge across replicas. Refusing them in
// Apply keeps every replica identical (all of them refuse the same entry).
func checkUTF8(r *Request, index uint64) *Error {
	switch {
	case !utf8.ValidString(r.Key):
		return invalidUTF8("key", index)
	case !utf8.ValidString(r.Value):
		return invalidUTF8("value", index)
	case !utf8.ValidString(r.PrevValue):
		return invalidUTF8("prevValue", index)
	}
	return nil
}

// invalidUTF8 is the error for a field that is not valid UTF-8.
func invalidUTF8(field string, index uint64) *Error {
	return NewError(EcodeInvalidField, "invalid value for \""+field+"\": not valid UTF-8", index)
}
