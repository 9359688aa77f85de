package wal_test

import (
	"os"
	"testing"

	"github.com/raftlab/raftlab/core/raft"
	"github.com/raftlab/raftlab/core/wal"
	"github.com/raftlab/raftlab/core/wal/memfs"
	"github.com/stretchr/testify/require"
)

func TestConflictingAppendsTruncateTheSuffix(t *testing.T) {
	tests := []struct {
		name    string
		batches [][]raft.Entry
		want    []raft.Entry
	}{
		{
			name:    "overwrite middle drops the rest",
			batches: [][]raft.Entry{entries(1, 1, 5), entries(2, 3, 4)},
			want:    append(entries(1, 1, 2), entries(2, 3, 4)...),
		},
		{
			name:    "overwrite from the first entry",
			batches: [][]raft.Entry{entries(1, 1, 3), entries(3, 1, 1)},
			want:    entries(3, 1, 1),
		},
		{
			name:    "later conflicts win over earlier conflicts",
			batches: [][]raft.Entry{entries(1, 1, 6), entries(2, 4, 8), entries(3, 6, 7), entries(4, 8, 9)},
			want:    append(append(append(entries(1, 1, 3), entries(2, 4, 5)...), entries(3, 6, 7)...), entries(4, 8, 9)...),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := memfs.New()
			w := createWAL(t, fs, wal.Options{SegmentSize: 200})
			for _, b := range tt.batches {
				require.NoError(t, w.Save(raft.HardState{}, b))
				require.NoError(t, w.Sync()) // with the tiny segment size, conflicts cross segments
			}
			require.NoError(t, w.Close())
			_, rec := reopen(t, fs, wal.Options{})
			requireEntries(t, tt.want, rec.Entries)
		})
	}
}

func TestHardStateLastWins(t *testing.T) {
	fs := memfs.New()
	w := createWAL(t, fs, wal.Options{SegmentSize: 150})
	states := []raft.HardState{{Term: 1, Vote: 1}, {Term: 2, Vote: 3, Commit: 1}, {Term: 2, Vote: 3, Commit: 4}, {}}
	for i, hs := range states {
		require.NoError(t, w.Save(hs, entries(hs.Term, uint64(i)+1, uint64(i)+1)))
		require.NoError(t, w.Sync())
	}
	require.NoError(t, w.Close())
	_, rec := reopen(t, fs, wal.Options{})
	require.Equal(t, states[2], rec.HardState, "an empty hard state is not written")
}

func TestSaveRejectsBadInputAndStaysUsable(t *testing.T) {
	fs := memfs.New()
	w := createWAL(t, fs, wal.Options{})
	require.NoError(t, w.Save(raft.HardState{}, entries(1, 1, 3)))
	for _, bad := range [][]raft.Entry{
		entries(1, 5, 6), // gap after 3
		{{Term: 1, Index: 4}, {Term: 1, Index: 6}}, // not contiguous
		{{Term: 1, Index: 0}},
	} {
		require.ErrorIs(t, w.Save(raft.HardState{}, bad), wal.ErrInvalid)
	}
	require.ErrorIs(t, w.SaveSnapshot(raft.Snapshot{}), wal.ErrInvalid)
	require.NoError(t, w.Save(raft.HardState{}, entries(1, 4, 4)))
	require.NoError(t, w.Close())
	_, rec := reopen(t, fs, wal.Options{})
	requireEntries(t, entries(1, 1, 4), rec.Entries)
}

func TestCreateAndOpenErrors(t *testing.T) {
	fs := memfs.New()
	require.False(t, wal.Exists(fs, testDir))
	_, _, err := wal.Open(fs, testDir, wal.Options{})
	require.ErrorIs(t, err, wal.ErrNotExist, "a missing dir holds no WAL")
	require.ErrorIs(t, err, os.ErrNotExist, "the file system's error is kept")
	w := createWAL(t, fs, wal.Options{})
	_, err = wal.Create(fs, testDir, testMetadata, wal.Options{})
	require.ErrorIs(t, err, wal.ErrExist)
	require.NoError(t, w.Close())
	require.ErrorIs(t, w.Close(), wal.ErrClosed)
	require.ErrorIs(t, w.Save(raft.HardState{Term: 1}, nil), wal.ErrClosed)
	require.NoError(t, fs.MkdirAll("/empty", 0o700))
	_, _, err = wal.Open(fs, "/empty", wal.Options{})
	require.ErrorIs(t, err, wal.ErrNotExist)
}

func TestLargeBatchIsSplitIntoRecords(t *testing.T) {
	fs := memfs.New()
	w := createWAL(t, fs, wal.Options{})
	big := make([]byte, 3<<20)
	var ents []raft.Entry
	for i := uint64(1); i <= 6; i++ {
		big[0] = byte(i)
		ents = append(ents, raft.Entry{Term: 1, Index: i, Data: append([]byte(nil), big...)})
	}
	before := w.Stats().Records
	require.NoError(t, w.Save(raft.HardState{}, ents))
	require.Greater(t, w.Stats().Records-before, int64(1), "an 18 MiB batch needs more than one record")
	require.NoError(t, w.Close())
	_, rec := reopen(t, fs, wal.Options{})
	requireEntries(t, ents, rec.Entries)
}

func TestSegmentsAreCutOnlyAfterNewData(t *testing.T) {
	fs := memfs.New()
	w := createWAL(t, fs, wal.Options{SegmentSize: 1})
	require.NoError(t, w.Save(raft.HardState{}, entries(1, 1, 1)))
	require.NoError(t, w.Sync())
	require.Equal(t, 2, w.Stats().Segments, "a full segment is cut after the fsync")
	for i := 0; i < 3; i++ {
		require.NoError(t, w.Sync())
	}
	require.Equal(t, 2, w.Stats().Segments, "a segment holding only its prologue is never cut")
	require.NoError(t, w.Close())
	_, rec := reopen(t, fs, wal.Options{})
	requireEntries(t, entries(1, 1, 1), rec.Entries)
}

func TestGroupCommitIsOneFsyncPerSync(t *testing.T) {
	fs := memfs.New()
	w := createWAL(t, fs, wal.Options{})
	before := w.Stats()
	diskSyncs := fs.Syncs()
	for i := uint64(1); i <= 10; i++ {
		require.NoError(t, w.Save(raft.HardState{Term: 1, Commit: i - 1}, entries(1, i, i)))
	}
	require.Equal(t, diskSyncs, fs.Syncs(), "Save never fsyncs")
	require.NoError(t, w.Sync())
	require.NoError(t, w.Sync(), "nothing new: no fsync")
	after := w.Stats()
	require.Equal(t, before.Syncs+1, after.Syncs)
	require.Equal(t, diskSyncs+1, fs.Syncs())
	require.Equal(t, before.Records+20, after.Records, "ten entry and ten hard-state records")
	require.Positive(t, after.Bytes-before.Bytes)

	require.NoError(t, w.Save(raft.HardState{Term: 1, Commit: 9}, nil))
	require.Equal(t, after.Records, w.Stats().Records, "an unchanged hard state is not written again")
}

func TestNoSyncSkipsFsync(t *testing.T) {
	fs := memfs.New()
	w := createWAL(t, fs, wal.Options{NoSync: true})
	require.NoError(t, w.Save(raft.HardState{Term: 1}, entries(1, 1, 3)))
	require.NoError(t, w.Sync())
	require.Zero(t, w.Stats().Syncs)
	require.Zero(t, fs.Syncs())
}
