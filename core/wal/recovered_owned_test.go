package wal_test

import (
	"bytes"
	"testing"

	"github.com/raftlab/raftlab/core/raft"
	"github.com/raftlab/raftlab/core/wal"
	"github.com/raftlab/raftlab/core/wal/memfs"
	"github.com/stretchr/testify/require"
)

// The recovered entries and metadata share no bytes with the file system: cutting the torn tail,
// overwriting it with new records and cutting segments leave them as they were, and appending to
// one entry's data does not overwrite the next.
func TestRecoveredDataIsTheCallersOwn(t *testing.T) {
	fs := memfs.New()
	w := createWAL(t, fs, wal.Options{SegmentSize: 600})
	require.NoError(t, w.Save(raft.HardState{Term: 1}, entries(1, 1, 12)))
	require.NoError(t, w.Close())
	// NoSync: the next records reach the disk unsynced, so the crash can tear them.
	w, _ = reopen(t, fs, wal.Options{SegmentSize: 600, NoSync: true})
	require.NoError(t, w.Save(raft.HardState{}, entries(1, 13, 16)))
	require.NoError(t, w.Sync())
	fs.CrashTorn(func(n int) int { return n - 5 })

	w, rec := reopen(t, fs, wal.Options{SegmentSize: 600})
	require.True(t, rec.TornTail)
	want := normalize(entries(1, 1, uint64(len(rec.Entries))))
	requireEntries(t, want, rec.Entries)
	metadata := bytes.Clone(rec.Metadata)
	segments := w.Stats().Segments

	for i := uint64(0); i < 8; i++ {
		first := uint64(len(want)) + 1 + i*4
		next := entries(7, first, first+3)
		for j := range next {
			next[j].Data = bytes.Repeat([]byte{0xee}, len(next[j].Data)+8)
		}
		require.NoError(t, w.Save(raft.HardState{Term: 7}, next))
		require.NoError(t, w.Sync())
	}
	require.Greater(t, w.Stats().Segments, segments, "new segments were cut")
	requireEntries(t, want, rec.Entries)
	require.Equal(t, metadata, rec.Metadata)

	last := len(rec.Entries) - 1
	growth := bytes.Repeat([]byte{'!'}, 64) // longer than a frame's bytes between two entries' data
	for i := range rec.Entries[:last] {
		rec.Entries[i].Data = append(rec.Entries[i].Data, growth...)
	}
	for i, e := range rec.Entries[:last] {
		require.Equal(t, append(bytes.Clone(want[i].Data), growth...), e.Data, "entry %d", i)
	}
	require.Equal(t, want[last], rec.Entries[last], "growing the other entries' data left the last one alone")
}
