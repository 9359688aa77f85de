package store

import "github.com/raftlab/raftlab/core/mark"

// UseMarks makes the store count the rare paths it takes in m (the lab's coverage marks); nil, the
// default, counts nothing. Call it before the store is shared.
func (s *Store) UseMarks(m *mark.Set) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.marks = m
}
