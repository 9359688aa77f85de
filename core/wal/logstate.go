package wal

import (
	"fmt"

	"github.com/raftlab/raftlab/core/raft"
)

// logState is the log as replay rebuilds it: the contiguous entries [start, next) with truncate
// semantics (an entry at index i replaces i and everything after it), plus every snapshot marker.
type logState struct {
	start, next uint64
	ents        []raft.Entry
	markers     []snapshotMarker
	hardState   raft.HardState
	metadata    []byte
	hasMetadata bool
	// truncations and replacements count the entries that replaced later ones and the snapshots
	// that replaced the log (for the lab's coverage marks).
	truncations, replacements int
}

func newLogState(firstIndex uint64) *logState {
	return &logState{start: firstIndex, next: firstIndex}
}

// latestMarkerIndex is the index of the newest snapshot marker, 0 if none.
func (s *logState) latestMarkerIndex() uint64 {
	if len(s.markers) == 0 {
		return 0
	}
	return s.markers[len(s.markers)-1].Index
}

// appendEntries applies one batch; it fails on a gap.
func (s *logState) appendEntries(ents []raft.Entry) error {
	for _, e := range ents {
		switch {
		case e.Index == 0:
			return fmt.Errorf("entry with index 0")
		case e.Index > s.next:
			return fmt.Errorf("entry %d leaves a gap after %d", e.Index, s.next-1)
		case e.Index < s.start && e.Index <= s.latestMarkerIndex():
			// Covered by a snapshot already; nothing to keep.
		case e.Index < s.start:
			s.start, s.ents = e.Index, append(s.ents[:0], e)
			s.next = e.Index + 1
		default:
			if e.Index < s.next {
				s.truncations++
			}
			s.ents = append(s.ents[:e.Index-s.start], e)
			s.next = e.Index + 1
		}
	}
	return nil
}

// applySnapshot records a snapshot marker. If the log does not contain the snapshot's last entry
// with the same term, the snapshot replaced the log (a follower installing the leader's snapshot)
// and every entry is dropped; otherwise (local compaction) the entries after it stay.
//
// Markers only ever grow, so one not newer than the latest is a repetition (every segment prologue
// repeats the retained markers) and is skipped: keeping it would make the WAL write it into every
// later prologue, and each restart would multiply the markers again.
func (s *logState) applySnapshot(m snapshotMarker) {
	if n := len(s.markers); n > 0 && m.Index <= s.markers[n-1].Index {
		return
	}
	s.markers = append(s.markers, m)
	switch {
	case m.Index+1 < s.start:
		// An old marker repeated in a segment prologue: the log starts after it.
	case m.Index+1 == s.start:
		// The log continues right after the snapshot.
	case m.Index < s.next && s.ents[m.Index-s.start].Term == m.Term:
		// Local compaction: the entries after the snapshot remain valid.
	default:
		s.replacements++
		s.ents = nil
		s.start, s.next = m.Index+1, m.Index+1
	}
}

// covers reports whether the log holds every entry after a snapshot at index.
func (s *logState) covers(index uint64) bool {
	return s.start <= index+1 && index+1 <= s.next
}

// entriesAfter returns the entries after index, sharing the state's array (capped at its end): the
// state is not used after it hands its entries out.
func (s *logState) entriesAfter(index uint64) []raft.Entry {
	if index+1 < s.start || index+1 >= s.next {
		return nil
	}
	end := s.next - s.start
	return s.ents[index+1-s.start : end : end]
}
