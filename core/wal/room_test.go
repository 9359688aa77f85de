package wal_test

import (
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/raftlab/raftlab/core/raft"
	"github.com/raftlab/raftlab/core/wal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// roomStep is a small room step, so that the tests cross several extensions.
const roomStep = 4096

// lastRealSegment is the path of the last segment in a real WAL directory.
func lastRealSegment(t *testing.T, dir string) string {
	t.Helper()
	names, err := filepath.Glob(filepath.Join(dir, "*.wal"))
	require.NoError(t, err)
	require.NotEmpty(t, names)
	return names[len(names)-1]
}

func fileSize(t *testing.T, path string) int64 {
	t.Helper()
	info, err := os.Stat(path)
	require.NoError(t, err)
	return info.Size()
}

// writeWithRoom saves batches of 3 entries, one Sync each, into a real WAL with a small room step,
// and leaves it open (a crash, for the file system, is the process going away with the files as
// they are). It returns the directory and the entries saved.
func writeWithRoom(t *testing.T, batches int, opts wal.Options) (string, []raft.Entry) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "wal")
	w, err := wal.Create(wal.OSFS(), dir, testMetadata, opts)
	require.NoError(t, err)
	var all []raft.Entry
	for b := range batches {
		lo := uint64(3*b + 1)
		ents := entries(1, lo, lo+2)
		require.NoError(t, w.Save(raft.HardState{Term: 1, Commit: lo + 2}, ents))
		require.NoError(t, w.Sync())
		all = append(all, ents...)
	}
	return dir, all
}

// TestRoomKeepsTheFileSizeBetweenExtensions: on a real disk the last segment is zeros ahead of its
// records, in whole room steps, and a sync that fits in the room leaves the size alone.
func TestRoomKeepsTheFileSizeBetweenExtensions(t *testing.T) {
	dir, _ := writeWithRoom(t, 1, wal.Options{Room: roomStep})
	path := lastRealSegment(t, dir)
	before := fileSize(t, path)
	assert.Zero(t, before%roomStep, "the file is whole room steps")
	w, rec, err := wal.Open(wal.OSFS(), dir, wal.Options{Room: roomStep})
	require.NoError(t, err)
	require.False(t, rec.TornTail, "room is no torn tail")
	require.NoError(t, w.Save(raft.HardState{Term: 1, Commit: 4}, entries(1, 4, 4)))
	require.NoError(t, w.Sync())
	assert.Equal(t, before, fileSize(t, path), "a record that fits in the room does not grow the file")
	require.NoError(t, w.Close())
}

// TestRoomRecoversEverySyncedEntryAfterACrash: the process goes away without closing, many room
// extensions later; recovery finds every entry, no torn tail, and appends after them.
func TestRoomRecoversEverySyncedEntryAfterACrash(t *testing.T) {
	dir, all := writeWithRoom(t, 200, wal.Options{Room: roomStep})
	w, rec, err := wal.Open(wal.OSFS(), dir, wal.Options{Room: roomStep})
	require.NoError(t, err)
	require.False(t, rec.TornTail)
	requireEntries(t, all, rec.Entries)

	next := entries(2, uint64(len(all)+1), uint64(len(all)+2))
	require.NoError(t, w.Save(raft.HardState{Term: 2, Commit: uint64(len(all) + 2)}, next))
	require.NoError(t, w.Sync())
	_, rec, err = wal.Open(wal.OSFS(), dir, wal.Options{Room: roomStep})
	require.NoError(t, err)
	requireEntries(t, append(all, next...), rec.Entries)
}

// TestRoomOfAWALOpenedWithoutRoomIsATornTail: a binary that keeps no room (or an older one) reads a
// log with room as a log with a zero-filled tail, cuts it, and loses nothing.
func TestRoomOfAWALOpenedWithoutRoomIsATornTail(t *testing.T) {
	dir, all := writeWithRoom(t, 5, wal.Options{Room: roomStep})
	_, rec, err := wal.Open(wal.OSFS(), dir, wal.Options{Room: -1})
	require.NoError(t, err)
	require.True(t, rec.TornTail)
	requireEntries(t, all, rec.Entries)
}

// TestRecordTornInsideTheRoomIsCut: a record whose write stopped at a sector boundary, the rest
// of it still the room's zeros, is a torn tail, cut off with what follows; what came before is whole.
func TestRecordTornInsideTheRoomIsCut(t *testing.T) {
	dir, all := writeWithRoom(t, 12, wal.Options{Room: roomStep})
	path := lastRealSegment(t, dir)
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	end := len(data)
	for end > 0 && data[end-1] == 0 {
		end--
	}
	starts := recordStarts(t, data[:end])
	// The last sector boundary that falls inside a record.
	boundary := end / 512 * 512
	for slices.Contains(starts, boundary) {
		boundary -= 512
	}
	require.Positive(t, boundary)
	require.NoError(t, os.WriteFile(path, append(data[:boundary:boundary], make([]byte, len(data)-boundary)...), 0o600))

	w, rec, err := wal.Open(wal.OSFS(), dir, wal.Options{Room: roomStep})
	require.NoError(t, err)
	require.True(t, rec.TornTail)
	require.Less(t, len(rec.Entries), len(all))
	requireEntries(t, all[:len(rec.Entries)], rec.Entries)

	// The cut log takes appends again, with room.
	next := uint64(len(rec.Entries) + 1)
	require.NoError(t, w.Save(raft.HardState{Term: 2, Commit: next}, entries(2, next, next)))
	require.NoError(t, w.Sync())
	assert.Zero(t, fileSize(t, path)%roomStep)
	_, rec2, err := wal.Open(wal.OSFS(), dir, wal.Options{Room: roomStep})
	require.NoError(t, err)
	require.False(t, rec2.TornTail)
	requireEntries(t, append(all[:len(rec.Entries)], entries(2, next, next)...), rec2.Entries)
}

// TestBytesInTheRoom: a byte that is not zero in the room right after the last record is damage,
// refused; one after zeros that run from the last record to the end of its sector is what a crash
// leaves when a later record's first sector never reached the disk but a later sector did: a torn
// tail, cut with everything after it, nothing synced lost.
func TestBytesInTheRoom(t *testing.T) {
	dir, all := writeWithRoom(t, 2, wal.Options{Room: roomStep})
	path := lastRealSegment(t, dir)
	original, err := os.ReadFile(path)
	require.NoError(t, err)
	end := recordsEnd(original)
	require.Less(t, end%512, 500, "a length field after the last record lies in its sector")
	for _, c := range []struct {
		name string
		at   int
		torn bool
	}{
		{"right after the last record", end + 2, false},
		{"after zeros to the end of the sector", len(original) - 10, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			require.NoError(t, os.WriteFile(path, original, 0o600))
			f, err := os.OpenFile(path, os.O_WRONLY, 0)
			require.NoError(t, err)
			_, err = f.WriteAt([]byte{0x5a}, int64(c.at))
			require.NoError(t, err)
			require.NoError(t, f.Close())
			w, rec, err := wal.Open(wal.OSFS(), dir, wal.Options{Room: roomStep})
			if !c.torn {
				require.ErrorIs(t, err, wal.ErrCorrupt)
				require.ErrorContains(t, err, fmt.Sprintf("%s at byte offset %d:", path, end))
				return
			}
			require.NoError(t, err)
			require.True(t, rec.TornTail)
			requireEntries(t, all, rec.Entries)
			require.NoError(t, w.Close())
			_, rec, err = wal.Open(wal.OSFS(), dir, wal.Options{Room: roomStep})
			require.NoError(t, err)
			require.False(t, rec.TornTail, "the cut was durable")
			requireEntries(t, all, rec.Entries)
		})
	}
}

// recordsEnd is where a segment's records end: the first zero length field.
func recordsEnd(data []byte) int {
	off := 0
	for off+8 <= len(data) && binary.LittleEndian.Uint32(data[off:]) != 0 {
		off += 12 + int(binary.LittleEndian.Uint32(data[off:]))
	}
	return off
}

// TestCutSegmentsKeepNoRoom: a segment the log moved past holds only its records (replay refuses
// zeros after the records of any segment but the last), and the last one has room again.
func TestCutSegmentsKeepNoRoom(t *testing.T) {
	dir, all := writeWithRoom(t, 60, wal.Options{Room: roomStep, SegmentSize: 1024})
	names, err := filepath.Glob(filepath.Join(dir, "*.wal"))
	require.NoError(t, err)
	require.Greater(t, len(names), 3)
	for _, name := range names[:len(names)-1] {
		data, err := os.ReadFile(name)
		require.NoError(t, err)
		starts := recordStarts(t, data)
		assert.Equal(t, len(data), starts[len(starts)-1], "%s ends with its last record", name)
	}
	assert.Zero(t, fileSize(t, names[len(names)-1])%roomStep, "the last segment has room")
	_, rec, err := wal.Open(wal.OSFS(), dir, wal.Options{Room: roomStep})
	require.NoError(t, err)
	require.False(t, rec.TornTail)
	requireEntries(t, all, rec.Entries)
}
