package wal_test

import (
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/raftlab/raftlab/core/raft"
	"github.com/raftlab/raftlab/core/wal"
	"github.com/stretchr/testify/require"
)

// These tests think like a disk: they damage a real WAL directory (real files, written and synced
// through wal.OSFS) the ways media and crashes do, and check that recovery never loses a synced
// record in silence: it either refuses with ErrCorrupt naming the file and the offset of the
// damaged record, or recovers everything that was synced.

// realLog is a closed WAL on the real disk and what it holds: every record was synced.
type realLog struct {
	dir      string
	segments []string // paths, oldest first
	state    recoveredState
}

// recoveredState is what matters of a recovery: the log the caller rebuilds.
type recoveredState struct {
	hardState raft.HardState
	snapshot  raft.SnapshotMetadata
	entries   []raft.Entry
}

func stateOf(rec *wal.Recovered) recoveredState {
	return recoveredState{hardState: rec.HardState, snapshot: rec.Snapshot.Metadata, entries: normalize(rec.Entries)}
}

// printableEntries are entries lo..hi whose data is printable text of seeded random lengths (like
// the JSON of requests), so that no record ends in a zero byte by chance.
func printableEntries(rng *rand.Rand, term, lo, hi uint64) []raft.Entry {
	var out []raft.Entry
	for i := lo; i <= hi; i++ {
		data := make([]byte, 20+rng.IntN(120))
		for j := range data {
			data[j] = byte('!' + rng.IntN(90))
		}
		out = append(out, raft.Entry{Term: term, Index: i, Data: data})
	}
	return out
}

// writeRealLog writes batches of entries and hard states, each synced, into small segments, the
// last batch one big record spanning several disk sectors.
func writeRealLog(t *testing.T) realLog {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "wal")
	rng := rand.New(rand.NewPCG(11, 3))
	// No room (room_test.go covers it): every byte of these segments belongs to a record.
	w, err := wal.Create(wal.OSFS(), dir, testMetadata, wal.Options{SegmentSize: 2048, Room: -1})
	require.NoError(t, err)
	next := uint64(1)
	for range 30 {
		n := uint64(1 + rng.IntN(4))
		require.NoError(t, w.Save(raft.HardState{Term: 1, Vote: 1, Commit: next}, printableEntries(rng, 1, next, next+n-1)))
		require.NoError(t, w.Sync())
		next += n
	}
	require.NoError(t, w.Close())
	// The last batch goes into the last segment whatever its size.
	w, _, err = wal.Open(wal.OSFS(), dir, wal.Options{Room: -1})
	require.NoError(t, err)
	require.NoError(t, w.Save(raft.HardState{Term: 1, Vote: 1, Commit: next}, printableEntries(rng, 1, next, next+19)))
	next += 20
	require.NoError(t, w.Close())
	_, rec, err := wal.Open(wal.OSFS(), dir, wal.Options{})
	require.NoError(t, err)
	require.False(t, rec.TornTail)
	log := realLog{dir: dir, state: stateOf(rec)}
	require.Len(t, log.state.entries, int(next-1))
	names, err := os.ReadDir(dir)
	require.NoError(t, err)
	for _, e := range names {
		if filepath.Ext(e.Name()) == ".wal" {
			log.segments = append(log.segments, filepath.Join(dir, e.Name()))
		}
	}
	require.Greater(t, len(log.segments), 2)
	return log
}

// readSegment returns a segment's bytes and its record starts.
func readSegment(t *testing.T, path string) ([]byte, []int) {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	return data, recordStarts(t, data)
}

// recordStarts walks the frames of a segment: the offset of every record, and the file size last.
func recordStarts(t *testing.T, data []byte) []int {
	t.Helper()
	var starts []int
	for off := 0; off < len(data); {
		starts = append(starts, off)
		require.GreaterOrEqual(t, len(data)-off, 12)
		off += 12 + int(binary.LittleEndian.Uint32(data[off:]))
	}
	return append(starts, len(data))
}

// containing returns the start of the record holding byte off.
func containing(starts []int, off int) int {
	i, found := slices.BinarySearch(starts, off)
	if found {
		return starts[i]
	}
	return starts[i-1]
}

// openDamaged recovers dir after damage was done to path, whose content is original, then puts
// the original bytes back (a cut torn tail included).
func openDamaged(t *testing.T, dir, path string, original []byte, damage func(f *os.File) error) (*wal.Recovered, error) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	require.NoError(t, err)
	defer func() { require.NoError(t, f.Close()) }()
	require.NoError(t, damage(f))
	w, rec, err := wal.Open(wal.OSFS(), dir, wal.Options{NoSync: true})
	if err == nil {
		require.NoError(t, w.Close())
	}
	_, werr := f.WriteAt(original, 0)
	require.NoError(t, werr)
	return rec, err
}

// setByte, cutAt and zeroes are the damages: one byte changed, the file cut short, a run of bytes
// zeroed (the file keeping its size).
func setByte(off int, b byte) func(f *os.File) error {
	return func(f *os.File) error {
		_, err := f.WriteAt([]byte{b}, int64(off))
		return err
	}
}

func cutAt(size int) func(f *os.File) error {
	return func(f *os.File) error { return f.Truncate(int64(size)) }
}

func zeroes(off, n int) func(f *os.File) error {
	return func(f *os.File) error {
		_, err := f.WriteAt(make([]byte, n), int64(off))
		return err
	}
}

// TestFlippedByteIsRefusedOrLosesNothing flips every byte of the first and the last segment in
// turn (all bits, the lowest bit, the highest bit). Every record was synced, so every flip must be
// refused with the segment and the offset of the record that holds the byte, the last record of
// the log included; a recovery that succeeded would have to hold everything.
func TestFlippedByteIsRefusedOrLosesNothing(t *testing.T) {
	log := writeRealLog(t)
	refused := 0
	for _, path := range []string{log.segments[0], log.segments[len(log.segments)-1]} {
		original, starts := readSegment(t, path)
		for off := range original {
			for _, mask := range []byte{0xff, 0x01, 0x80} {
				rec, err := openDamaged(t, log.dir, path, original, setByte(off, original[off]^mask))
				if err == nil {
					require.Equal(t, log.state, stateOf(rec), "%s: flip %#x at %d recovered less than was synced", path, mask, off)
					continue
				}
				refused++
				require.ErrorIs(t, err, wal.ErrCorrupt, "flip %#x at %d", mask, off)
				require.ErrorContains(t, err, fmt.Sprintf("%s at byte offset %d:", path, containing(starts, off)), "flip %#x at %d", mask, off)
			}
		}
	}
	require.Positive(t, refused)
	t.Logf("%d flips refused", refused)
}

// TestEveryTruncationPointRecovers cuts the last segment at every byte (a crash that left the file
// short) and, at every sector boundary and record start, fills the rest with zeroes instead (a
// crash that extended the file but never wrote its last sectors). Recovery must succeed with the
// records that are whole before the cut, and report a torn tail unless the cut fell between records.
func TestEveryTruncationPointRecovers(t *testing.T) {
	log := writeRealLog(t)
	path := log.segments[len(log.segments)-1]
	original, starts := readSegment(t, path)
	// What recovery holds with the segment cut right after each record: a clean end.
	atBoundary := map[int]recoveredState{}
	for _, end := range starts[1:] {
		rec, err := openDamaged(t, log.dir, path, original, cutAt(end))
		require.NoError(t, err, "cut at record boundary %d", end)
		require.False(t, rec.TornTail, "cut at record boundary %d", end)
		atBoundary[end] = stateOf(rec)
	}
	require.Equal(t, log.state, atBoundary[len(original)])
	for cut := starts[1]; cut < len(original); cut++ {
		whole := containing(starts, cut)
		if cut == whole {
			continue
		}
		rec, err := openDamaged(t, log.dir, path, original, cutAt(cut))
		require.NoError(t, err, "cut at %d", cut)
		require.True(t, rec.TornTail, "cut at %d", cut)
		require.Equal(t, atBoundary[whole], stateOf(rec), "cut at %d", cut)
	}
	for cut := starts[1]; cut < len(original); cut++ {
		if cut%512 != 0 && !slices.Contains(starts, cut) {
			continue
		}
		rec, err := openDamaged(t, log.dir, path, original, zeroes(cut, len(original)-cut))
		require.NoError(t, err, "zeroes from %d", cut)
		require.True(t, rec.TornTail, "zeroes from %d", cut)
		require.Equal(t, atBoundary[containing(starts, cut)], stateOf(rec), "zeroes from %d", cut)
	}
}

// TestFlippedSnapshotByteIsRefusedOrLosesNothing flips every byte of the snapshot files: a
// damaged newest snapshot falls back to the previous one and the log kept after it (the same
// entries up to the same last index), and a damaged snapshot nothing else can stand in for is
// refused with its file named.
func TestFlippedSnapshotByteIsRefusedOrLosesNothing(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "wal")
	w, err := wal.Create(wal.OSFS(), dir, testMetadata, wal.Options{SegmentSize: 512})
	require.NoError(t, err)
	writeLog(t, w, 1, 60)
	require.NoError(t, w.SaveSnapshot(snapshotAt(1, 20)))
	writeLog(t, w, 61, 100)
	require.NoError(t, w.SaveSnapshot(snapshotAt(1, 50)))
	writeLog(t, w, 101, 120)
	require.NoError(t, w.SaveSnapshot(snapshotAt(1, 90)))
	require.NoError(t, w.Close())
	newest := filepath.Join(dir, "0000000000000001-000000000000005a.snap")
	previous := filepath.Join(dir, "0000000000000001-0000000000000032.snap")

	fellBack := 0
	original, err := os.ReadFile(newest)
	require.NoError(t, err)
	for off := range original {
		rec, err := openDamaged(t, dir, newest, original, setByte(off, original[off]^0xff))
		require.NoError(t, err, "flip at %d", off)
		require.Equal(t, snapshotAt(1, 50), rec.Snapshot, "flip at %d", off)
		requireEntries(t, entries(1, 51, 120), rec.Entries)
		fellBack++
	}
	require.Equal(t, len(original), fellBack)

	// With the newest snapshot gone, the previous one is all that precedes the log.
	require.NoError(t, os.Remove(newest))
	original, err = os.ReadFile(previous)
	require.NoError(t, err)
	for off := range original {
		_, err := openDamaged(t, dir, previous, original, setByte(off, original[off]^0xff))
		require.ErrorIs(t, err, wal.ErrCorrupt, "flip at %d", off)
		require.ErrorContains(t, err, previous, "flip at %d", off)
	}
}
