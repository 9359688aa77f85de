package store

import (
	"strings"
	"sync"
	"sync/atomic"

	"github.com/raftlab/raftlab/core/mark"
)

// namespace is one tree of the store: the user key space or the hidden internal one.
type namespace struct {
	root     *node
	internal bool
}

// Store is the etcd v2 key space: the user tree, the hidden internal tree, one etcd index, the
// event history, the TTL queue and the watchers. All methods are safe for concurrent use.
type Store struct {
	mu    sync.Mutex
	index uint64
	// published is index again, stored after every change (under mu), so that Index, which hosts
	// call after every input, reads it without taking the lock.
	published atomic.Uint64
	user      namespace
	system    namespace
	ttl       ttlQueue
	history   *eventHistory
	watchers  *watcherHub
	stats     Stats
	// dataBytes is the nodeBytes total of both trees.
	dataBytes int64
	marks     *mark.Set
}

// New returns an empty store at index 0.
func New() *Store {
	return &Store{
		user:     namespace{root: newRoot()},
		system:   namespace{root: newRoot(), internal: true},
		history:  newEventHistory(historyCapacity, HistoryMaxBytes),
		watchers: newWatcherHub(),
	}
}

// Index is the current etcd index.
func (s *Store) Index() uint64 {
	return s.published.Load()
}

// setIndex moves the etcd index to i; the caller holds mu.
func (s *Store) setIndex(i uint64) {
	s.index = i
	s.published.Store(i)
}

// Stats returns a copy of the counters, with the current number of watchers.
func (s *Store) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.stats
	st.Watchers = uint64(s.watchers.count)
	return st
}

// NextExpiration is the earliest expiration among live nodes (false when no node has a TTL), so
// the leader knows when to propose OpSync.
func (s *Store) NextExpiration() (int64, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if n := s.ttl.top(); n != nil {
		return n.expiration, true
	}
	return 0, false
}

// commit records a successful mutation at the new index: history, then live watchers. A refresh is
// kept in the history but never delivered. e must be complete: from here on the same *Event is
// returned to the caller, kept in the history and queued for watchers, and nobody changes it again
// (Event is read-only for everyone; replay hands watchers a copy with a later EtcdIndex).
func (s *Store) commit(ns *namespace, e *Event) {
	s.setIndex(e.Node.ModifiedIndex)
	e.EtcdIndex = s.index
	s.marks.HitIf(s.history.count == len(s.history.ring), mark.StoreHistoryWrapped)
	s.marks.HitIf(!ns.internal && strings.Contains(e.Node.Key, "/_"), mark.StoreHiddenKeyWritten)
	s.history.add(record{event: e, internal: ns.internal})
	if !ns.internal && !e.Refresh {
		s.watchers.notify(e)
	}
}
