package wal_test

import (
	"testing"

	"github.com/raftlab/raftlab/core/raft"
	"github.com/raftlab/raftlab/core/wal"
	"github.com/raftlab/raftlab/core/wal/memfs"
	"github.com/stretchr/testify/require"
)

func roundTrip(t *testing.T, fs wal.FS, dir string) {
	w, err := wal.Create(fs, dir, testMetadata, wal.Options{SegmentSize: 1 << 10})
	require.NoError(t, err)
	require.True(t, wal.Exists(fs, dir))
	var want []raft.Entry
	hs := raft.HardState{}
	for batch := uint64(0); batch < 50; batch++ {
		ents := entries(1+batch/10, batch*7+1, batch*7+7)
		hs = raft.HardState{Term: 1 + batch/10, Vote: 2, Commit: batch * 7}
		require.NoError(t, w.Save(hs, ents))
		want = append(want, ents...)
		if batch%3 == 0 {
			require.NoError(t, w.Sync())
		}
	}
	require.NoError(t, w.Close())
	require.Greater(t, w.Stats().Segments, 3, "small segments rotate")

	w, rec, err := wal.Open(fs, dir, wal.Options{SegmentSize: 1 << 10})
	require.NoError(t, err)
	require.Equal(t, testMetadata, rec.Metadata)
	require.Equal(t, hs, rec.HardState)
	require.True(t, rec.Snapshot.IsEmpty())
	require.False(t, rec.TornTail)
	requireEntries(t, want, rec.Entries)

	// Appending after reopen continues the same log.
	more := entries(9, uint64(len(want))+1, uint64(len(want))+3)
	require.NoError(t, w.Save(raft.HardState{}, more))
	require.NoError(t, w.Close())
	_, rec, err = wal.Open(fs, dir, wal.Options{})
	require.NoError(t, err)
	requireEntries(t, append(want, more...), rec.Entries)
	require.Equal(t, hs, rec.HardState)
}

func TestRoundTripMemFS(t *testing.T) { roundTrip(t, memfs.New(), testDir) }

func TestRoundTripOSFS(t *testing.T) { roundTrip(t, wal.OSFS(), t.TempDir()+"/wal") }
