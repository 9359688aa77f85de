package checker

import (
	"testing"

	"github.com/raftlab/raftlab/core/raft"
	"github.com/stretchr/testify/assert"
)

// ents builds entries from index first with the given terms.
func ents(first uint64, terms ...uint64) []raft.Entry {
	out := make([]raft.Entry, len(terms))
	for i, t := range terms {
		out[i] = raft.Entry{Index: first + uint64(i), Term: t}
	}
	return out
}

// termsOf lists the known terms of l from 1 to its last index (0 where unknown).
func termsOf(l *termLog) []uint64 {
	var out []uint64
	for i := uint64(1); i <= l.lastIndex(); i++ {
		t, _ := l.term(i)
		out = append(out, t)
	}
	return out
}

func TestTermLogFollowsTheWALsReplaceRules(t *testing.T) {
	tests := []struct {
		name    string
		build   func(l *termLog) uint64
		terms   []uint64
		changed uint64
	}{
		{"append extends", func(l *termLog) uint64 {
			l.appendEntries(ents(1, 1, 1, 2))
			return l.appendEntries(ents(4, 2, 3))
		}, []uint64{1, 1, 2, 2, 3}, 0},
		{"equal rewrite changes nothing", func(l *termLog) uint64 {
			l.appendEntries(ents(1, 1, 1, 2, 2))
			return l.appendEntries(ents(2, 1, 2, 2))
		}, []uint64{1, 1, 2, 2}, 0},
		{"conflict replaces the suffix", func(l *termLog) uint64 {
			l.appendEntries(ents(1, 1, 1, 2, 2, 2))
			return l.appendEntries(ents(3, 2, 3))
		}, []uint64{1, 1, 2, 3}, 4},
		{"a shorter equal append still cuts the tail", func(l *termLog) uint64 {
			l.appendEntries(ents(1, 1, 1, 1, 1))
			return l.appendEntries(ents(2, 1))
		}, []uint64{1, 1}, 3},
		{"compaction keeps later entries", func(l *termLog) uint64 {
			l.appendEntries(ents(1, 1, 1, 2, 2, 3))
			return l.applySnapshot(3, 2)
		}, []uint64{0, 0, 2, 2, 3}, 0},
		{"an installed snapshot replaces the log, its own index included", func(l *termLog) uint64 {
			l.appendEntries(ents(1, 1, 1, 1, 1, 1))
			return l.applySnapshot(3, 4)
		}, []uint64{0, 0, 4}, 3},
		{"a snapshot past the log's end replaces nothing it held", func(l *termLog) uint64 {
			l.appendEntries(ents(1, 1, 1))
			return l.applySnapshot(5, 4)
		}, []uint64{0, 0, 0, 0, 4}, 0},
		{"entries under the snapshot are skipped", func(l *termLog) uint64 {
			l.applySnapshot(5, 2)
			return l.appendEntries(ents(4, 2, 2, 3))
		}, []uint64{0, 0, 0, 0, 2, 3}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var l termLog
			changed := tt.build(&l)
			assert.Equal(t, tt.terms, termsOf(&l))
			assert.Equal(t, tt.changed, changed)
		})
	}
}

func TestTermLogOfARecoveredLog(t *testing.T) {
	l := termLogOf(raft.SnapshotMetadata{Index: 10, Term: 3}, ents(11, 3, 4))
	assert.Equal(t, uint64(12), l.lastIndex())
	got, known := l.term(10)
	assert.True(t, known)
	assert.Equal(t, uint64(3), got)
	_, known = l.term(9)
	assert.False(t, known, "covered by the snapshot")
	assert.Equal(t, uint64(12), l.nextChange(11))
	assert.Equal(t, uint64(13), l.nextChange(12))
}
