package store

import (
	"fmt"

	"github.com/raftlab/raftlab/core/mark"
)

// Watch registers interest in key (and, with recursive, everything below it) from sinceIndex on
// (0 = the next index). If a matching event is already in the history it is queued on the channel
// before Watch returns: a one-shot watcher then stays unregistered, a stream watcher gets every
// matching event from the history and stays registered for live ones. A sinceIndex older than the
// history window gives error 401. Live events are queued synchronously inside Apply.
func (s *Store) Watch(key string, recursive, stream bool, sinceIndex uint64) (*Watcher, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if sinceIndex == 0 {
		sinceIndex = s.index + 1
	}
	if start := s.history.startIndex(); sinceIndex < start {
		s.marks.Hit(mark.StoreWatchCleared)
		return nil, NewError(EcodeEventIndexCleared,
			fmt.Sprintf("the requested history has been cleared [%d/%d]", start, sinceIndex), s.index)
	}
	s.marks.HitIf(sinceIndex <= s.index, mark.StoreWatchReplayed)
	w := &Watcher{store: s, key: cleanKey(key), recursive: recursive, stream: stream,
		sinceIndex: sinceIndex, startIndex: s.index, ch: make(chan *Event, watcherBuffer)}
	if s.replay(w, sinceIndex) {
		s.watchers.register(w)
	}
	return w, nil
}

// replay queues for w the matching history events from index from on; false means w is finished
// (served, or overflowed and closed). Events from history carry the current index as EtcdIndex.
func (s *Store) replay(w *Watcher, from uint64) bool {
	for i := s.history.from(from); i < s.history.count; i++ {
		rec := s.history.at(i)
		if rec.internal || !w.wants(rec.event, false) {
			continue
		}
		e := *rec.event
		e.EtcdIndex = s.index
		w.replayed = max(w.replayed, e.Index())
		if !w.push(&e) {
			return false
		}
	}
	return true
}
