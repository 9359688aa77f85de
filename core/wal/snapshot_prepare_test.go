package wal_test

import (
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/raftlab/raftlab/core/wal"
	"github.com/raftlab/raftlab/core/wal/memfs"
)

// snapWrites counts the snapshot files written (opened to be written, under their temp name).
type snapWrites struct {
	wal.FS
	mu    sync.Mutex
	count int
}

func (f *snapWrites) OpenFile(name string, flag int, perm os.FileMode) (wal.File, error) {
	if strings.HasSuffix(name, ".snap.tmp") {
		f.mu.Lock()
		f.count++
		f.mu.Unlock()
	}
	return f.FS.OpenFile(name, flag, perm)
}

func TestPreparedSnapshotIsLoggedWithoutWritingItAgain(t *testing.T) {
	// The OS's file system: PrepareSnapshot runs while the log takes entries (memfs, the
	// simulator's, is not safe for concurrent use).
	dir := t.TempDir()
	fs := &snapWrites{FS: wal.OSFS()}
	opts := wal.Options{SegmentSize: 512, NoSync: true}
	w, err := wal.Create(fs, dir, nil, opts)
	require.NoError(t, err)
	writeLog(t, w, 1, 60)
	snap := snapshotAt(1, 40)

	done := make(chan error)
	go func() { done <- w.PrepareSnapshot(snap) }()
	writeLog(t, w, 61, 90)
	require.NoError(t, <-done)
	require.Equal(t, 1, fs.count)

	require.NoError(t, w.SaveSnapshot(snap))
	assert.Equal(t, 1, fs.count, "SaveSnapshot logged the prepared file without writing it again")
	require.NoError(t, w.SaveSnapshot(snapshotAt(1, 80)))
	assert.Equal(t, 2, fs.count, "an unprepared snapshot is written by SaveSnapshot")
	require.NoError(t, w.Close())

	w, rec, err := wal.Open(fs, dir, opts)
	require.NoError(t, err)
	defer w.Close()
	require.Equal(t, snapshotAt(1, 80), rec.Snapshot)
	requireEntries(t, entries(1, 81, 90), rec.Entries)
}

func TestPreparedButUnloggedSnapshotIsIgnoredThenRemoved(t *testing.T) {
	fs := memfs.New()
	opts := wal.Options{SegmentSize: 512}
	w := createWAL(t, fs, opts)
	writeLog(t, w, 1, 60)
	require.NoError(t, w.SaveSnapshot(snapshotAt(1, 20)))
	require.NoError(t, w.PrepareSnapshot(snapshotAt(1, 50))) // the member crashes before logging it
	require.NoError(t, w.Close())

	w, rec := reopen(t, fs, opts)
	require.Equal(t, snapshotAt(1, 20), rec.Snapshot, "recovery uses the logged snapshot")
	requireEntries(t, entries(1, 21, 60), rec.Entries)

	writeLog(t, w, 61, 100)
	require.NoError(t, w.SaveSnapshot(snapshotAt(1, 70)))
	require.NoError(t, w.SaveSnapshot(snapshotAt(1, 90)))
	assert.Equal(t, []string{"0000000000000001-0000000000000046.snap", "0000000000000001-000000000000005a.snap"},
		filesWithSuffix(t, fs, ".snap"), "the unlogged file went with the older snapshots")
	require.NoError(t, w.Close())
}
