package wal_test

import (
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/raftlab/raftlab/core/raft"
	"github.com/raftlab/raftlab/core/wal"
	"github.com/raftlab/raftlab/core/wal/memfs"
	"github.com/stretchr/testify/require"
)

// threeSnapshots writes a log with three snapshots, so that the third one's release has
// segments and a snapshot file to delete.
func threeSnapshots(t *testing.T, w *wal.WAL) {
	t.Helper()
	writeLog(t, w, 1, 100)
	require.NoError(t, w.SaveSnapshot(snapshotAt(1, 40)))
	writeLog(t, w, 101, 150)
	require.NoError(t, w.SaveSnapshot(snapshotAt(1, 90)))
	writeLog(t, w, 151, 170)
	require.NoError(t, w.SaveSnapshot(snapshotAt(1, 120)))
}

func TestHostReleasesDeletesNothingUntilRelease(t *testing.T) {
	fs := memfs.New()
	opts := wal.Options{SegmentSize: 512, HostReleases: true}
	w := createWAL(t, fs, opts)
	writeLog(t, w, 1, 100)
	require.NoError(t, w.SaveSnapshot(snapshotAt(1, 40)))
	require.False(t, w.ReleaseWanted(), "the first snapshot leaves nothing to release")
	writeLog(t, w, 101, 150)
	require.NoError(t, w.SaveSnapshot(snapshotAt(1, 90)))
	writeLog(t, w, 151, 170)
	segs := filesWithSuffix(t, fs, ".wal")
	require.NoError(t, w.SaveSnapshot(snapshotAt(1, 120)))

	require.True(t, w.ReleaseWanted())
	require.Equal(t, segs, filesWithSuffix(t, fs, ".wal"), "SaveSnapshot deleted no segment")
	require.Len(t, filesWithSuffix(t, fs, ".snap"), 3, "nor a snapshot file")
	require.Less(t, w.Stats().Segments, len(segs), "but the WAL no longer counts the queued segments")

	require.NoError(t, w.Release())
	require.False(t, w.ReleaseWanted())
	kept := filesWithSuffix(t, fs, ".wal")
	require.Len(t, kept, w.Stats().Segments)
	require.NotContains(t, kept, "0000000000000000-0000000000000001.wal")
	require.Equal(t, []string{"0000000000000001-000000000000005a.snap", "0000000000000001-0000000000000078.snap"},
		filesWithSuffix(t, fs, ".snap"), "only the newest and the previous snapshot stay")
	require.NoError(t, w.Release(), "a second Release has nothing to do")
	require.NoError(t, w.Close())

	_, rec := reopen(t, fs, opts)
	require.Equal(t, snapshotAt(1, 120), rec.Snapshot)
	requireEntries(t, entries(1, 121, 170), rec.Entries)
}

// TestHostReleasesMatchesReleaseInSaveSnapshot: the same log written with and without
// HostReleases (Release called after each snapshot) leaves the same files.
func TestHostReleasesMatchesReleaseInSaveSnapshot(t *testing.T) {
	inline, hosted := memfs.New(), memfs.New()
	w := createWAL(t, inline, wal.Options{SegmentSize: 512})
	threeSnapshots(t, w)
	require.False(t, w.ReleaseWanted(), "without HostReleases SaveSnapshot released the files itself")
	require.NoError(t, w.Close())

	h := createWAL(t, hosted, wal.Options{SegmentSize: 512, HostReleases: true})
	writeLog(t, h, 1, 100)
	require.NoError(t, h.SaveSnapshot(snapshotAt(1, 40)))
	require.NoError(t, h.Release())
	writeLog(t, h, 101, 150)
	require.NoError(t, h.SaveSnapshot(snapshotAt(1, 90)))
	require.NoError(t, h.Release())
	writeLog(t, h, 151, 170)
	require.NoError(t, h.SaveSnapshot(snapshotAt(1, 120)))
	require.NoError(t, h.Release())
	require.NoError(t, h.Close())

	for _, suffix := range []string{".wal", ".snap"} {
		require.Equal(t, filesWithSuffix(t, inline, suffix), filesWithSuffix(t, hosted, suffix), suffix)
	}
}

func TestCrashBeforeReleaseRecoversTheSameLogAndReleasesLater(t *testing.T) {
	fs := memfs.New()
	opts := wal.Options{SegmentSize: 512, HostReleases: true}
	w := createWAL(t, fs, opts)
	threeSnapshots(t, w)
	require.True(t, w.ReleaseWanted())
	queued := filesWithSuffix(t, fs, ".wal")
	fs.Crash()

	w, rec := reopen(t, fs, opts)
	require.Equal(t, snapshotAt(1, 120), rec.Snapshot)
	requireEntries(t, entries(1, 121, 170), rec.Entries)
	require.Equal(t, queued, filesWithSuffix(t, fs, ".wal"), "the queued segments are still there")

	writeLog(t, w, 171, 200)
	require.NoError(t, w.SaveSnapshot(snapshotAt(1, 190)))
	require.NoError(t, w.Release())
	for _, name := range filesWithSuffix(t, fs, ".wal") {
		require.NotContains(t, []string{"0000000000000000-0000000000000001.wal"}, name, "the next release deleted the leftovers")
	}
	require.Len(t, filesWithSuffix(t, fs, ".snap"), 2)
	require.NoError(t, w.Close())
	_, rec = reopen(t, fs, opts)
	require.Equal(t, snapshotAt(1, 190), rec.Snapshot)
	requireEntries(t, entries(1, 191, 200), rec.Entries)
}

// removeFailing fails the removal of the named files while fail is set.
type removeFailing struct {
	wal.FS
	mu   sync.Mutex
	fail map[string]bool
}

var errRemove = errors.New("remove refused")

func (f *removeFailing) Remove(name string) error {
	f.mu.Lock()
	refuse := f.fail[filepath.Base(name)]
	f.mu.Unlock()
	if refuse {
		return errRemove
	}
	return f.FS.Remove(name)
}

func TestAFailedReleaseKeepsTheOrderAndIsRetried(t *testing.T) {
	mem := memfs.New()
	fs := &removeFailing{FS: mem, fail: map[string]bool{}}
	opts := wal.Options{SegmentSize: 512, HostReleases: true}
	w := createWAL(t, fs, opts)
	segs := func() []string { return filesWithSuffix(t, mem, ".wal") }
	threeSnapshots(t, w)
	before := segs()
	require.True(t, w.ReleaseWanted())

	first := before[0]
	fs.fail[first] = true
	require.ErrorIs(t, w.Release(), errRemove)
	require.Equal(t, before, segs(), "nothing after the refused oldest segment was deleted")
	require.True(t, w.ReleaseWanted(), "the files stay queued")
	require.NoError(t, w.Sync(), "the WAL goes on")

	fs.mu.Lock()
	fs.fail[first] = false
	fs.mu.Unlock()
	require.NoError(t, w.Release())
	require.False(t, w.ReleaseWanted())
	require.NotContains(t, segs(), first)
	require.Len(t, segs(), w.Stats().Segments)
}

// TestReleaseRunsBesideTheWriter: on a real disk the host releases on its own goroutine while
// the persister writes, snapshots and cuts segments (run with -race).
func TestReleaseRunsBesideTheWriter(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "wal")
	opts := wal.Options{SegmentSize: 4 << 10, HostReleases: true, Room: 8 << 10}
	w, err := wal.Create(wal.OSFS(), dir, testMetadata, opts)
	require.NoError(t, err)
	wanted := make(chan struct{}, 1)
	done := make(chan error)
	go func() {
		var errs []error
		for range wanted {
			errs = append(errs, w.Release())
		}
		done <- errors.Join(errs...)
	}()
	value := strings.Repeat("v", 200)
	var last uint64
	for i := uint64(1); i <= 3000; i++ {
		require.NoError(t, w.Save(raft.HardState{Term: 1, Commit: i}, []raft.Entry{{Term: 1, Index: i, Data: []byte(value)}}))
		if i%10 == 0 {
			require.NoError(t, w.Sync())
		}
		if i%250 == 0 {
			require.NoError(t, w.SaveSnapshot(snapshotAt(1, i)))
			last = i
			if w.ReleaseWanted() {
				select {
				case wanted <- struct{}{}:
				default:
				}
			}
		}
	}
	close(wanted)
	require.NoError(t, <-done)
	require.NoError(t, w.Release())
	require.False(t, w.ReleaseWanted())
	names, err := wal.OSFS().ReadDir(dir)
	require.NoError(t, err)
	var segs, snaps int
	for _, n := range names {
		switch filepath.Ext(n) {
		case ".wal":
			segs++
		case ".snap":
			snaps++
		}
	}
	require.Equal(t, w.Stats().Segments, segs)
	require.Equal(t, 2, snaps)
	require.NoError(t, w.Close())

	_, rec, err := wal.Open(wal.OSFS(), dir, opts)
	require.NoError(t, err)
	require.Equal(t, last, rec.Snapshot.Metadata.Index)
	require.Len(t, rec.Entries, 3000-int(last))
}
