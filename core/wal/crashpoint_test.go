package wal_test

import (
	"testing"

	"github.com/raftlab/raftlab/core/raft"
	"github.com/raftlab/raftlab/core/wal"
	"github.com/raftlab/raftlab/core/wal/memfs"
	"github.com/stretchr/testify/require"
)

// TestCrashAtEveryStepOfSaveSnapshot kills the process at every disk operation of a SaveSnapshot
// that writes the snapshot file, logs its marker, cuts a segment and releases old files. Every
// crash must recover either the old or the new snapshot with the complete log after it.
func TestCrashAtEveryStepOfSaveSnapshot(t *testing.T) {
	opts := wal.Options{SegmentSize: 300}
	setup := func() (*memfs.FS, *wal.WAL) {
		fs := memfs.New()
		w := createWAL(t, fs, opts)
		writeLog(t, w, 1, 60)
		require.NoError(t, w.SaveSnapshot(snapshotAt(1, 20)))
		writeLog(t, w, 61, 100)
		return fs, w
	}
	sawOld, sawNew := false, false
	for stop := 0; ; stop++ {
		fs, w := setup()
		fs.StopAfter(stop)
		err := w.SaveSnapshot(snapshotAt(1, 70))
		if err != nil {
			require.ErrorIs(t, err, memfs.ErrStopped)
		}
		fs.Crash()

		w2, rec := reopen(t, fs, opts)
		snapIndex := rec.Snapshot.Metadata.Index
		require.Contains(t, []uint64{20, 70}, snapIndex, "stop=%d", stop)
		require.Equal(t, snapshotAt(1, snapIndex), rec.Snapshot)
		requireEntries(t, entries(1, snapIndex+1, 100), rec.Entries)
		require.Equal(t, raft.HardState{Term: 1, Commit: 91}, rec.HardState)
		sawOld = sawOld || snapIndex == 20
		sawNew = sawNew || snapIndex == 70

		require.NoError(t, w2.Save(raft.HardState{}, entries(2, 101, 101)))
		require.NoError(t, w2.Close())
		_, rec = reopen(t, fs, opts)
		requireEntries(t, append(entries(1, snapIndex+1, 100), entries(2, 101, 101)...), rec.Entries)

		if err == nil {
			require.Greater(t, stop, 5, "SaveSnapshot takes several disk operations")
			break
		}
	}
	require.True(t, sawOld && sawNew)
}

// TestCrashAtEveryStepOfASegmentCut does the same for a Sync that starts a new segment.
func TestCrashAtEveryStepOfASegmentCut(t *testing.T) {
	opts := wal.Options{SegmentSize: 1}
	for stop := 0; ; stop++ {
		fs := memfs.New()
		w := createWAL(t, fs, opts)
		require.NoError(t, w.Save(raft.HardState{Term: 1, Commit: 1}, entries(1, 1, 2)))
		fs.StopAfter(stop)
		err := w.Sync()
		fs.Crash()

		_, rec := reopen(t, fs, opts)
		if err == nil {
			requireEntries(t, entries(1, 1, 2), rec.Entries)
			require.Equal(t, 2, len(filesWithSuffix(t, fs, ".wal")), "the cut happened")
			break
		}
		require.ErrorIs(t, err, memfs.ErrStopped)
		if stop >= 2 {
			// The write and the fsync went through: only the new segment is missing.
			requireEntries(t, entries(1, 1, 2), rec.Entries)
		} else {
			require.Empty(t, rec.Entries, "stop=%d: not synced, not kept", stop)
		}
	}
}
