package wal_test

import (
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/raftlab/raftlab/core/raft"
	"github.com/raftlab/raftlab/core/wal"
	"github.com/raftlab/raftlab/core/wal/memfs"
	"github.com/stretchr/testify/require"
)

func lastSegment(t *testing.T, fs wal.FS) string {
	t.Helper()
	segs := filesWithSuffix(t, fs, ".wal")
	require.NotEmpty(t, segs)
	return filepath.Join(testDir, segs[len(segs)-1])
}

func size(t *testing.T, fs wal.FS, name string) int64 {
	t.Helper()
	n, err := fs.Stat(name)
	require.NoError(t, err)
	return n
}

func TestCrashKeepsSyncedAndDropsUnsynced(t *testing.T) {
	fs := memfs.New()
	w := createWAL(t, fs, wal.Options{SegmentSize: 300})
	hs := raft.HardState{Term: 1, Vote: 1, Commit: 4}
	require.NoError(t, w.Save(hs, entries(1, 1, 10)))
	require.NoError(t, w.Sync())
	require.NoError(t, w.Save(raft.HardState{Term: 2, Vote: 2, Commit: 9}, entries(2, 11, 20)))
	fs.Crash()

	w, rec := reopen(t, fs, wal.Options{SegmentSize: 300})
	requireEntries(t, entries(1, 1, 10), rec.Entries)
	require.Equal(t, hs, rec.HardState)
	require.False(t, rec.TornTail)
	require.NoError(t, w.Close())
}

// TestCrashWithTornWritesNeverLosesSyncedData crashes at random points with random torn prefixes:
// the recovered log always holds every synced entry and otherwise only a prefix of what was saved.
func TestCrashWithTornWritesNeverLosesSyncedData(t *testing.T) {
	for seed := uint64(1); seed <= 40; seed++ {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			small := func(rng *rand.Rand, lo uint64) []raft.Entry { return entries(9, lo, lo+uint64(rng.IntN(4))) }
			crashLosesNoSyncedEntry(t, seed, small, func(fs *memfs.FS, rng *rand.Rand) {
				fs.CrashTorn(func(n int) int { return rng.IntN(n + 1) })
			})
		})
	}
}

// TestCrashWithSectorWritesNeverLosesSyncedData crashes a disk that wrote back any subset of the
// unsynced sectors, each at any of its versions (memfs.CrashSectors): recovery must succeed (a
// record with a never-written sector followed by sectors that did reach the disk is a torn write,
// not corruption) and keep every synced entry.
func TestCrashWithSectorWritesNeverLosesSyncedData(t *testing.T) {
	seeds := uint64(3000)
	if testing.Short() {
		seeds = 300
	}
	torn := 0
	for seed := uint64(1); seed <= seeds; seed++ {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			// Entries of 20 to 140 bytes: the unsynced batches span several sectors.
			big := func(rng *rand.Rand, lo uint64) []raft.Entry {
				return printableEntries(rng, 9, lo, lo+uint64(rng.IntN(6)))
			}
			if crashLosesNoSyncedEntry(t, seed, big, func(fs *memfs.FS, rng *rand.Rand) {
				fs.CrashSectors(rng.IntN)
			}) {
				torn++
			}
		})
	}
	require.Greater(t, torn, int(seeds/10), "crashes left torn tails to cut")
	t.Logf("%d of %d recoveries cut a torn tail", torn, seeds)
}

// crashLosesNoSyncedEntry writes synced batches, then batches of unsynced entries that are written
// but not fsynced, crashes the disk with crash and checks that recovery holds every synced entry
// and, after them, only a prefix of what was saved.
func crashLosesNoSyncedEntry(t *testing.T, seed uint64, unsynced func(rng *rand.Rand, lo uint64) []raft.Entry,
	crash func(fs *memfs.FS, rng *rand.Rand)) (tornTail bool) {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 99))
	fs := memfs.New()
	// NoSync makes Sync write without fsync, so unsynced bytes reach the simulated disk
	// and can be torn; a real fsync is what the first phase uses.
	w := createWAL(t, fs, wal.Options{SegmentSize: 400})
	var saved []raft.Entry
	next := uint64(1)
	syncedCount := 0
	for round := 0; round < 3; round++ {
		for b := 0; b < 1+rng.IntN(4); b++ {
			n := uint64(1 + rng.IntN(5))
			ents := entries(uint64(round+1), next, next+n-1)
			require.NoError(t, w.Save(raft.HardState{Term: uint64(round + 1)}, ents))
			saved = append(saved, ents...)
			next += n
		}
		require.NoError(t, w.Sync())
		syncedCount = len(saved)
	}
	require.NoError(t, w.Close())
	w, _ = reopen(t, fs, wal.Options{SegmentSize: 400, NoSync: true})
	for b := 0; b < 1+rng.IntN(4); b++ {
		ents := unsynced(rng, next)
		require.NoError(t, w.Save(raft.HardState{}, ents))
		require.NoError(t, w.Sync())
		saved = append(saved, ents...)
		next = ents[len(ents)-1].Index + 1
	}
	crash(fs, rng)

	_, rec := reopen(t, fs, wal.Options{})
	require.GreaterOrEqual(t, len(rec.Entries), syncedCount, "no synced entry is lost")
	requireEntries(t, saved[:len(rec.Entries)], rec.Entries)
	return rec.TornTail
}

// saveTornLastRecord writes ten synced entries, then one more record without fsync, and crashes
// keeping keep bytes of it. It returns the length of that last record.
func saveTornLastRecord(t *testing.T, keep int) (fs *memfs.FS, recordLen int) {
	fs = memfs.New()
	w := createWAL(t, fs, wal.Options{})
	require.NoError(t, w.Save(raft.HardState{Term: 1, Commit: 10}, entries(1, 1, 10)))
	require.NoError(t, w.Close())
	w, _ = reopen(t, fs, wal.Options{NoSync: true})
	before := size(t, fs, lastSegment(t, fs))
	require.NoError(t, w.Save(raft.HardState{}, entries(1, 11, 12)))
	require.NoError(t, w.Sync())
	recordLen = int(size(t, fs, lastSegment(t, fs)) - before)
	fs.CrashTorn(func(n int) int {
		require.Equal(t, recordLen, n, "only the last record is unsynced")
		return keep
	})
	return fs, recordLen
}

func TestTornLastRecordAtEveryByteOffset(t *testing.T) {
	_, recordLen := saveTornLastRecord(t, 0)
	require.Greater(t, recordLen, 13)
	for keep := 0; keep < recordLen; keep++ {
		fs, _ := saveTornLastRecord(t, keep)
		w, rec := reopen(t, fs, wal.Options{})
		requireEntries(t, entries(1, 1, 10), rec.Entries)
		require.Equal(t, raft.HardState{Term: 1, Commit: 10}, rec.HardState)
		require.Equal(t, keep > 0, rec.TornTail, "keep=%d", keep)

		// The repaired log takes new appends, and a crash right after still recovers them.
		require.NoError(t, w.Save(raft.HardState{Term: 2, Commit: 11}, entries(2, 11, 11)))
		require.NoError(t, w.Sync())
		fs.Crash()
		_, rec = reopen(t, fs, wal.Options{})
		requireEntries(t, append(entries(1, 1, 10), entries(2, 11, 11)...), rec.Entries)
		require.False(t, rec.TornTail)
	}
	// Kept whole, the last record is simply there.
	fs, _ := saveTornLastRecord(t, recordLen)
	_, rec := reopen(t, fs, wal.Options{})
	requireEntries(t, entries(1, 1, 12), rec.Entries)
	require.False(t, rec.TornTail)
}

func TestZeroFilledTailIsTorn(t *testing.T) {
	fs := memfs.New()
	w := createWAL(t, fs, wal.Options{})
	require.NoError(t, w.Save(raft.HardState{}, entries(1, 1, 5)))
	require.NoError(t, w.Close())
	f, err := fs.OpenFile(lastSegment(t, fs), os.O_WRONLY|os.O_APPEND, 0)
	require.NoError(t, err)
	_, err = f.Write(make([]byte, 100))
	require.NoError(t, err)
	require.NoError(t, f.Sync())
	_, rec := reopen(t, fs, wal.Options{})
	require.True(t, rec.TornTail)
	requireEntries(t, entries(1, 1, 5), rec.Entries)
}

// buildLog writes batches of entries, one Sync each: the first ones into small segments, the last
// four into the last segment. It returns the segment and start offset of every batch's record.
func buildLog(t *testing.T, fs wal.FS, batches int) (paths []string, offsets []int64) {
	w := createWAL(t, fs, wal.Options{SegmentSize: 250})
	for b := 0; b < batches; b++ {
		if b == batches-4 {
			require.NoError(t, w.Close())
			w, _ = reopen(t, fs, wal.Options{})
		}
		seg := lastSegment(t, fs)
		paths, offsets = append(paths, seg), append(offsets, size(t, fs, seg))
		require.NoError(t, w.Save(raft.HardState{}, entries(1, uint64(b*3+1), uint64(b*3+3))))
		require.NoError(t, w.Sync())
	}
	require.NoError(t, w.Close())
	return paths, offsets
}

func TestCorruptionInTheMiddleIsRefused(t *testing.T) {
	tests := []struct {
		name  string
		batch func(n int) int // which batch record to damage
		delta int64           // where inside the record
	}{
		{"payload byte in the last segment", func(n int) int { return n - 3 }, 20},
		{"length field in the last segment", func(n int) int { return n - 3 }, 1},
		{"CRC field in the last segment", func(n int) int { return n - 2 }, 9},
		{"payload byte in the first segment", func(int) int { return 1 }, 16},
		{"last record of the first segment", func(int) int { return 0 }, 14},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := memfs.New()
			paths, offsets := buildLog(t, fs, 12)
			i := tt.batch(len(offsets))
			if tt.name == "last record of the first segment" {
				for i+1 < len(paths) && paths[i+1] == paths[0] {
					i++
				}
			}
			require.NotEqual(t, paths[0], paths[len(paths)-1], "the log spans several segments")
			require.Less(t, i+1, len(paths), "a valid record follows the damaged one")
			require.NoError(t, fs.Corrupt(paths[i], offsets[i]+tt.delta))

			_, _, err := wal.Open(fs, testDir, wal.Options{})
			require.ErrorIs(t, err, wal.ErrCorrupt)
			require.ErrorContains(t, err, fmt.Sprintf("%s at byte offset %d", paths[i], offsets[i]))
		})
	}
}

func TestMissingSegmentIsRefused(t *testing.T) {
	fs := memfs.New()
	paths, _ := buildLog(t, fs, 12)
	segs := filesWithSuffix(t, fs, ".wal")
	require.Greater(t, len(segs), 2)
	missing := filepath.Join(testDir, segs[1])
	require.Contains(t, paths, missing)
	require.NoError(t, fs.Remove(missing))
	_, _, err := wal.Open(fs, testDir, wal.Options{})
	require.ErrorIs(t, err, wal.ErrCorrupt)
	require.ErrorContains(t, err, "missing")
}

func TestFailedFsyncFailsTheWAL(t *testing.T) {
	fs := memfs.New()
	w := createWAL(t, fs, wal.Options{})
	require.NoError(t, w.Save(raft.HardState{Term: 1}, entries(1, 1, 3)))
	require.NoError(t, w.Sync())
	require.NoError(t, w.Save(raft.HardState{Term: 2}, entries(2, 4, 6)))
	fs.FailSync(syscall.EIO)
	err := w.Sync()
	require.ErrorIs(t, err, wal.ErrFailed)
	require.ErrorIs(t, err, syscall.EIO)

	fs.FailSync(nil)
	require.ErrorIs(t, w.Sync(), wal.ErrFailed, "a healed disk does not revive the WAL")
	require.ErrorIs(t, w.Save(raft.HardState{}, entries(2, 7, 7)), wal.ErrFailed)
	require.ErrorIs(t, w.SaveSnapshot(snapshotAt(1, 2)), wal.ErrFailed)
	require.ErrorIs(t, w.Close(), wal.ErrFailed)

	fs.Crash()
	_, rec := reopen(t, fs, wal.Options{})
	requireEntries(t, entries(1, 1, 3), rec.Entries)
	require.Equal(t, raft.HardState{Term: 1}, rec.HardState)
}

func TestDiskFullFailsTheWAL(t *testing.T) {
	fs := memfs.New()
	w := createWAL(t, fs, wal.Options{})
	require.NoError(t, w.Save(raft.HardState{Term: 1}, entries(1, 1, 3)))
	require.NoError(t, w.Sync())
	fs.SetCapacity(size(t, fs, lastSegment(t, fs)) + 10)
	require.NoError(t, w.Save(raft.HardState{Term: 2}, entries(2, 4, 6)), "Save only buffers")
	err := w.Sync()
	require.ErrorIs(t, err, wal.ErrFailed)
	require.ErrorIs(t, err, syscall.ENOSPC)
	require.ErrorIs(t, w.Save(raft.HardState{}, entries(2, 7, 7)), wal.ErrFailed)

	fs.SetCapacity(-1)
	fs.Crash()
	_, rec := reopen(t, fs, wal.Options{})
	requireEntries(t, entries(1, 1, 3), rec.Entries)
}

func TestFailedSnapshotWriteFailsTheWAL(t *testing.T) {
	fs := memfs.New()
	w := createWAL(t, fs, wal.Options{})
	writeLog(t, w, 1, 10)
	fs.FailSync(syscall.EIO)
	require.ErrorIs(t, w.SaveSnapshot(snapshotAt(1, 5)), wal.ErrFailed)
	fs.FailSync(nil)
	fs.Crash()
	_, rec := reopen(t, fs, wal.Options{})
	require.True(t, rec.Snapshot.IsEmpty(), "a snapshot whose file never became durable is not used")
	requireEntries(t, entries(1, 1, 10), rec.Entries)
}

func TestSegmentFromAnotherLogBreaksTheChain(t *testing.T) {
	fs := memfs.New()
	buildLog(t, fs, 12)
	segs := filesWithSuffix(t, fs, ".wal")
	require.Greater(t, len(segs), 2)
	victim := filepath.Join(testDir, segs[1])

	// A second log with the same shape but other data: its segment has the same name.
	other := memfs.New()
	w := createWAL(t, other, wal.Options{SegmentSize: 250})
	for b := 0; b < 8; b++ {
		require.NoError(t, w.Save(raft.HardState{Term: 5}, entries(2, uint64(b*3+1), uint64(b*3+3))))
		require.NoError(t, w.Sync())
	}
	require.Contains(t, filesWithSuffix(t, other, ".wal"), segs[1])
	foreign := readFile(t, other, victim)

	f, err := fs.OpenFile(victim, os.O_WRONLY|os.O_TRUNC, 0)
	require.NoError(t, err)
	_, err = f.Write(foreign)
	require.NoError(t, err)
	require.NoError(t, f.Sync())
	_, _, err = wal.Open(fs, testDir, wal.Options{})
	require.ErrorIs(t, err, wal.ErrCorrupt)
	require.ErrorContains(t, err, victim+" at byte offset 0")
	require.ErrorContains(t, err, "chains to CRC")
}

func TestCreateIsDurableAndLeftoversAreCleaned(t *testing.T) {
	fs := memfs.New()
	createWAL(t, fs, wal.Options{})
	leftover, err := fs.OpenFile(filepath.Join(testDir, "0000000000000001-0000000000000001.wal.tmp"), os.O_CREATE|os.O_WRONLY, 0o600)
	require.NoError(t, err)
	require.NoError(t, leftover.Sync())
	require.NoError(t, fs.SyncDir(testDir))
	fs.Crash()

	w, rec := reopen(t, fs, wal.Options{})
	require.Empty(t, rec.Entries)
	require.True(t, rec.HardState.IsEmpty())
	require.Empty(t, filesWithSuffix(t, fs, ".tmp"), "a half-made segment from a crash is removed")
	require.NoError(t, w.Close())
}

func readFile(t *testing.T, fs wal.FS, name string) []byte {
	t.Helper()
	f, err := fs.OpenFile(name, os.O_RDONLY, 0)
	require.NoError(t, err)
	defer func() { require.NoError(t, f.Close()) }()
	b, err := io.ReadAll(f)
	require.NoError(t, err)
	return b
}

func TestCloseMakesSavesDurable(t *testing.T) {
	fs := memfs.New()
	w := createWAL(t, fs, wal.Options{})
	require.NoError(t, w.Save(raft.HardState{Term: 3, Vote: 2}, entries(3, 1, 4)))
	require.NoError(t, w.Close())
	fs.Crash()
	_, rec := reopen(t, fs, wal.Options{})
	requireEntries(t, entries(3, 1, 4), rec.Entries)
	require.Equal(t, raft.HardState{Term: 3, Vote: 2}, rec.HardState)
}
