package store

import "github.com/raftlab/raftlab/core/mark"

// ApplyExpired deletes every node whose expiration is <= now, earliest expiration first (ties in key
// order). Each one gets its own index and "expire" event, which watchers of the node, its ancestors
// (recursive) and its descendants receive. It returns the events in order.
func (s *Store) ApplyExpired(now int64) []*Event {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.expire(now)
}

// expire is ApplyExpired with the lock held.
func (s *Store) expire(now int64) []*Event {
	var out []*Event
	for {
		n := s.ttl.top()
		if n == nil || n.expiration > now {
			return out
		}
		s.marks.Hit(mark.StoreExpired)
		out = append(out, s.remove(&s.user, n, ActionExpire, now))
		s.stats.ExpireCount++
	}
}
