package raft

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func newStorageWith(t *testing.T, terms ...uint64) *MemoryStorage {
	s := NewMemoryStorage()
	require.NoError(t, s.Append(ents(terms...)))
	return s
}

func TestMemoryStorageAppend(t *testing.T) {
	tests := []struct {
		name    string
		append  []Entry
		want    []uint64 // terms of entries 1..n
		wantErr error
	}{
		{name: "extend", append: []Entry{{Index: 4, Term: 2}}, want: []uint64{1, 1, 1, 2}},
		{name: "truncate conflicting suffix", append: []Entry{{Index: 2, Term: 2}}, want: []uint64{1, 2}},
		{name: "overwrite same", append: []Entry{{Index: 2, Term: 1}, {Index: 3, Term: 1}}, want: []uint64{1, 1, 1}},
		{name: "gap refused", append: []Entry{{Index: 6, Term: 2}}, want: []uint64{1, 1, 1}, wantErr: ErrUnavailable},
		{name: "empty", want: []uint64{1, 1, 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newStorageWith(t, 1, 1, 1)
			err := s.Append(tt.append)
			if tt.wantErr != nil {
				require.ErrorIs(t, err, tt.wantErr)
			} else {
				require.NoError(t, err)
			}
			last, _ := s.LastIndex()
			got, err := s.Entries(1, last+1, noLimit)
			require.NoError(t, err)
			var terms []uint64
			for _, e := range got {
				terms = append(terms, e.Term)
			}
			assert.Equal(t, tt.want, terms)
		})
	}
}

func TestMemoryStorageCompactAndSnapshot(t *testing.T) {
	s := newStorageWith(t, 1, 1, 2, 2, 3)
	cs := ConfState{Voters: []uint64{3, 1, 2}}
	snap, err := s.CreateSnapshot(3, &cs, []byte("img"))
	require.NoError(t, err)
	assert.Equal(t, SnapshotMetadata{Index: 3, Term: 2, ConfState: ConfState{Voters: []uint64{1, 2, 3}}}, snap.Metadata)
	_, err = s.CreateSnapshot(2, nil, nil)
	require.ErrorIs(t, err, ErrSnapOutOfDate)
	_, err = s.CreateSnapshot(9, nil, nil)
	require.ErrorIs(t, err, ErrUnavailable)

	require.NoError(t, s.Compact(3))
	first, _ := s.FirstIndex()
	assert.Equal(t, uint64(4), first)
	term, err := s.Term(3)
	require.NoError(t, err)
	assert.Equal(t, uint64(2), term, "the compaction point keeps its term")
	_, err = s.Term(2)
	require.ErrorIs(t, err, ErrCompacted)
	_, err = s.Term(6)
	require.ErrorIs(t, err, ErrUnavailable)
	_, err = s.Entries(3, 5, noLimit)
	require.ErrorIs(t, err, ErrCompacted)
	_, err = s.Entries(4, 7, noLimit)
	require.ErrorIs(t, err, ErrUnavailable)
	require.ErrorIs(t, s.Compact(2), ErrCompacted)
	require.ErrorIs(t, s.Compact(9), ErrUnavailable)

	// Appending entries that start before the compaction point skips the compacted ones.
	require.NoError(t, s.Append(ents(1, 1, 2, 2, 3, 3)))
	last, _ := s.LastIndex()
	assert.Equal(t, uint64(6), last)
	// Appending only compacted entries is a no-op.
	require.NoError(t, s.Append(ents(1, 1)))

	_, gotCS, err := s.InitialState()
	require.NoError(t, err)
	assert.Equal(t, []uint64{1, 2, 3}, gotCS.Voters)
}

func TestMemoryStorageApplySnapshot(t *testing.T) {
	s := newStorageWith(t, 1, 1)
	snap := Snapshot{Metadata: SnapshotMetadata{Index: 10, Term: 4}, Data: []byte("x")}
	require.NoError(t, s.ApplySnapshot(snap))
	first, _ := s.FirstIndex()
	last, _ := s.LastIndex()
	assert.Equal(t, uint64(11), first)
	assert.Equal(t, uint64(10), last)
	got, err := s.Snapshot()
	require.NoError(t, err)
	assert.Equal(t, snap, got)
	require.ErrorIs(t, s.ApplySnapshot(snap), ErrSnapOutOfDate)
}

func TestMemoryStorageEntriesSizeLimit(t *testing.T) {
	s := NewMemoryStorage()
	require.NoError(t, s.Append([]Entry{{Index: 1, Term: 1, Data: []byte("aaaa")}, {Index: 2, Term: 1, Data: []byte("bbbb")}, {Index: 3, Term: 1}}))
	one := entrySize(Entry{Data: []byte("aaaa")})
	tests := []struct {
		max  uint64
		want int
	}{{0, 1}, {one, 1}, {2 * one, 2}, {noLimit, 3}}
	for _, tt := range tests {
		got, err := s.Entries(1, 4, tt.max)
		require.NoError(t, err)
		assert.Len(t, got, tt.want, "max %d", tt.max)
	}
}

func TestHardStateAndSnapshotEmptiness(t *testing.T) {
	assert.True(t, HardState{}.IsEmpty())
	assert.False(t, HardState{Term: 1}.IsEmpty())
	assert.True(t, Snapshot{}.IsEmpty())
	assert.False(t, Snapshot{Metadata: SnapshotMetadata{Index: 1}}.IsEmpty())
}
