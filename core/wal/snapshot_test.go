package wal_test

import (
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/raftlab/raftlab/core/raft"
	"github.com/raftlab/raftlab/core/wal"
	"github.com/raftlab/raftlab/core/wal/memfs"
	"github.com/stretchr/testify/require"
)

func snapshotAt(term, index uint64) raft.Snapshot {
	return raft.Snapshot{
		Metadata: raft.SnapshotMetadata{Term: term, Index: index, ConfState: raft.ConfState{Voters: []uint64{1, 2, 3}}},
		Data:     []byte(strings.Repeat("state", int(index))),
	}
}

func filesWithSuffix(t *testing.T, fs wal.FS, suffix string) []string {
	t.Helper()
	names, err := fs.ReadDir(testDir)
	require.NoError(t, err)
	var out []string
	for _, n := range names {
		if strings.HasSuffix(n, suffix) {
			out = append(out, n)
		}
	}
	return out
}

// writeLog saves entries 1..n in batches of 10, syncing each, with a tiny segment size.
func writeLog(t *testing.T, w *wal.WAL, lo, hi uint64) {
	t.Helper()
	for i := lo; i <= hi; i += 10 {
		require.NoError(t, w.Save(raft.HardState{Term: 1, Commit: i}, entries(1, i, min(i+9, hi))))
		require.NoError(t, w.Sync())
	}
}

func TestSnapshotReleasesOldSegmentsAndSnapshots(t *testing.T) {
	fs := memfs.New()
	opts := wal.Options{SegmentSize: 512}
	w := createWAL(t, fs, opts)
	writeLog(t, w, 1, 100)
	segsBefore := len(filesWithSuffix(t, fs, ".wal"))

	require.NoError(t, w.SaveSnapshot(snapshotAt(1, 40)))
	require.Len(t, filesWithSuffix(t, fs, ".wal"), segsBefore, "the first snapshot releases nothing: it has no predecessor")
	writeLog(t, w, 101, 150)
	require.NoError(t, w.SaveSnapshot(snapshotAt(1, 90)))
	writeLog(t, w, 151, 170)
	require.NoError(t, w.SaveSnapshot(snapshotAt(1, 120)))

	segsAfter := filesWithSuffix(t, fs, ".wal")
	created, err := strconv.ParseUint(segsAfter[len(segsAfter)-1][:16], 16, 64)
	require.NoError(t, err)
	require.Less(t, len(segsAfter), int(created)+1, "segments before the previous snapshot are released")
	require.NotContains(t, segsAfter, "0000000000000000-0000000000000001.wal")
	firstKept, err := strconv.ParseUint(segsAfter[0][17:33], 16, 64)
	require.NoError(t, err)
	require.LessOrEqual(t, firstKept, uint64(91), "the log still reaches back to the previous snapshot")
	require.Equal(t, w.Stats().Segments, len(segsAfter))
	require.Equal(t, []string{"0000000000000001-000000000000005a.snap", "0000000000000001-0000000000000078.snap"},
		filesWithSuffix(t, fs, ".snap"), "only the newest and the previous snapshot stay")
	require.NoError(t, w.Close())

	_, rec := reopen(t, fs, opts)
	require.Equal(t, snapshotAt(1, 120), rec.Snapshot)
	requireEntries(t, entries(1, 121, 170), rec.Entries)
	require.Equal(t, raft.HardState{Term: 1, Commit: 161}, rec.HardState)
}

func TestCorruptNewestSnapshotFallsBackToCoveredOlderOne(t *testing.T) {
	fs := memfs.New()
	opts := wal.Options{SegmentSize: 512}
	w := createWAL(t, fs, opts)
	writeLog(t, w, 1, 60)
	require.NoError(t, w.SaveSnapshot(snapshotAt(1, 30)))
	writeLog(t, w, 61, 80)
	require.NoError(t, w.SaveSnapshot(snapshotAt(1, 50)))
	require.NoError(t, w.Close())

	require.NoError(t, fs.Corrupt(filepath.Join(testDir, "0000000000000001-0000000000000032.snap"), 40))
	_, rec := reopen(t, fs, opts)
	require.Equal(t, snapshotAt(1, 30), rec.Snapshot)
	requireEntries(t, entries(1, 31, 80), rec.Entries)
}

func TestCorruptSnapshotWithoutCoveringLogIsAnError(t *testing.T) {
	fs := memfs.New()
	opts := wal.Options{SegmentSize: 512}
	w := createWAL(t, fs, opts)
	writeLog(t, w, 1, 60)
	require.NoError(t, w.SaveSnapshot(snapshotAt(1, 20)))
	writeLog(t, w, 61, 100)
	require.NoError(t, w.SaveSnapshot(snapshotAt(1, 50)))
	writeLog(t, w, 101, 140)
	require.NoError(t, w.SaveSnapshot(snapshotAt(1, 90)))
	require.NoError(t, w.Close())

	// The log now starts after 20, so losing both retained snapshots leaves a hole.
	for _, name := range filesWithSuffix(t, fs, ".snap") {
		require.NoError(t, fs.Corrupt(filepath.Join(testDir, name), 30))
	}
	_, _, err := wal.Open(fs, testDir, opts)
	require.ErrorIs(t, err, wal.ErrCorrupt)
	require.ErrorContains(t, err, "000000000000005a.snap")
}

func TestFirstSnapshotCorruptFallsBackToTheWholeLog(t *testing.T) {
	fs := memfs.New()
	w := createWAL(t, fs, wal.Options{})
	writeLog(t, w, 1, 30)
	require.NoError(t, w.SaveSnapshot(snapshotAt(1, 20)))
	require.NoError(t, w.Close())
	require.NoError(t, fs.Corrupt(filepath.Join(testDir, "0000000000000001-0000000000000014.snap"), 25))
	_, rec := reopen(t, fs, wal.Options{})
	require.True(t, rec.Snapshot.IsEmpty())
	requireEntries(t, entries(1, 1, 30), rec.Entries)
}

func TestInstalledSnapshotReplacesTheLog(t *testing.T) {
	fs := memfs.New()
	w := createWAL(t, fs, wal.Options{})
	writeLog(t, w, 1, 10)
	// A follower receives the leader's snapshot at 50 in term 3: its own log is replaced.
	require.NoError(t, w.SaveSnapshot(snapshotAt(3, 50)))
	require.NoError(t, w.Save(raft.HardState{Term: 3, Commit: 50}, entries(3, 51, 52)))
	require.NoError(t, w.Close())
	_, rec := reopen(t, fs, wal.Options{})
	require.Equal(t, snapshotAt(3, 50), rec.Snapshot)
	requireEntries(t, entries(3, 51, 52), rec.Entries)

	// A snapshot inside the log whose term disagrees also replaces it.
	fs = memfs.New()
	w = createWAL(t, fs, wal.Options{})
	writeLog(t, w, 1, 10)
	require.NoError(t, w.SaveSnapshot(snapshotAt(2, 8)))
	require.NoError(t, w.Close())
	_, rec = reopen(t, fs, wal.Options{})
	require.Equal(t, snapshotAt(2, 8), rec.Snapshot)
	require.Empty(t, rec.Entries)
}

func TestSnapshotMustBeNewer(t *testing.T) {
	fs := memfs.New()
	w := createWAL(t, fs, wal.Options{})
	writeLog(t, w, 1, 10)
	require.NoError(t, w.SaveSnapshot(snapshotAt(1, 8)))
	records := w.Stats().Records
	require.NoError(t, w.SaveSnapshot(snapshotAt(1, 8)), "saving the same snapshot again is a no-op")
	require.Equal(t, records, w.Stats().Records)
	require.ErrorIs(t, w.SaveSnapshot(snapshotAt(1, 7)), wal.ErrInvalid)
	require.ErrorIs(t, w.SaveSnapshot(snapshotAt(2, 8)), wal.ErrInvalid)
	require.Equal(t, int64(1), w.Stats().Snapshots)
}

// TestReopenDoesNotMultiplySnapshotMarkers guards the segment prologue against growing across
// restarts. Every prologue repeats the retained snapshot markers; replay once took each repetition
// for a new marker, so every restart multiplied the markers, every later prologue carried them all,
// and a simulated cluster with a few dozen crashes ran out of memory.
func TestReopenDoesNotMultiplySnapshotMarkers(t *testing.T) {
	fs := memfs.New()
	opts := wal.Options{SegmentSize: 512}
	w := createWAL(t, fs, opts)
	writeLog(t, w, 1, 100)
	require.NoError(t, w.SaveSnapshot(snapshotAt(1, 40)))
	writeLog(t, w, 101, 150)
	require.NoError(t, w.SaveSnapshot(snapshotAt(1, 90)))
	require.NoError(t, w.Close())

	next := uint64(151)
	for restart := 0; restart < 8; restart++ {
		w, rec := reopen(t, fs, opts)
		require.Equal(t, uint64(90), rec.Snapshot.Metadata.Index)
		writeLog(t, w, next, next+29)
		next += 30
		require.NoError(t, w.Close())
	}
	for _, name := range filesWithSuffix(t, fs, ".wal") {
		size, err := fs.Stat(filepath.Join(testDir, name))
		require.NoError(t, err)
		require.Less(t, size, int64(2048), "segment %s: a prologue of two markers and at most one batch past the segment size", name)
	}
	_, rec := reopen(t, fs, opts)
	require.Equal(t, uint64(90), rec.Snapshot.Metadata.Index)
	require.Equal(t, next-1, rec.Entries[len(rec.Entries)-1].Index)
}
