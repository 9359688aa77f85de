package wal_test

import (
	"bytes"
	"errors"
	"testing"

	"github.com/raftlab/raftlab/core/raft"
	"github.com/raftlab/raftlab/core/wal"
	"github.com/raftlab/raftlab/core/wal/memfs"
	"github.com/stretchr/testify/require"
)

// memfsRoom is the room step of the tests on the simulated disk: eight sectors.
const memfsRoom = 4 << 10

// roomFS is a simulated disk whose files write at offsets, so that the WAL keeps room in them.
func roomFS() *memfs.FS {
	fs := memfs.New()
	fs.EnableWriteAt()
	return fs
}

// bigEntries makes entries lo..hi of term whose data is size bytes each.
func bigEntries(term, lo, hi uint64, size int) []raft.Entry {
	out := entries(term, lo, hi)
	for i := range out {
		out[i].Data = append(out[i].Data, bytes.Repeat([]byte{'x'}, size)...)
	}
	return out
}

func TestRoomIsKeptAndExtendedOnTheSimulatedDisk(t *testing.T) {
	fs := roomFS()
	opts := wal.Options{Room: memfsRoom}
	w := createWAL(t, fs, opts)
	hs := raft.HardState{Term: 1, Vote: 1}
	require.NoError(t, w.Save(hs, entries(1, 1, 3)))
	require.NoError(t, w.Sync())
	path := lastSegment(t, fs)
	require.EqualValues(t, memfsRoom, size(t, fs, path), "zeros are written ahead of the records")

	var all []raft.Entry
	all = append(all, entries(1, 1, 3)...)
	for i := uint64(4); i < 44; i += 4 {
		ents := bigEntries(1, i, i+3, 100)
		all = append(all, ents...)
		require.NoError(t, w.Save(raft.HardState{Term: 1, Vote: 1, Commit: i}, ents))
		require.NoError(t, w.Sync())
		require.Zero(t, size(t, fs, path)%memfsRoom, "the room grows in whole steps")
	}
	require.Greater(t, size(t, fs, path), int64(memfsRoom), "the room was extended")

	fs.Crash()
	_, rec := reopen(t, fs, opts)
	require.False(t, rec.TornTail, "the unused room is a clean end")
	requireEntries(t, all, rec.Entries)
}

// TestTornTailIsCutWhenTheRoomIsRecovered: a crash keeps the later sectors of a batch written over
// the room but not one inside its first record. Recovery must cut that torn tail, not take it for
// room: the next records overwrite only its start, and after a second crash the rest of it would
// follow them, the remains of a record that is neither room nor torn.
func TestTornTailIsCutWhenTheRoomIsRecovered(t *testing.T) {
	fs := roomFS()
	opts := wal.Options{Room: memfsRoom}
	w := createWAL(t, fs, opts)
	synced := entries(1, 1, 3)
	require.NoError(t, w.Save(raft.HardState{Term: 1, Vote: 1, Commit: 3}, synced))
	require.NoError(t, w.Sync())

	// One record of about 4 KiB, written over the room (the fsync fails), then a crash in which its
	// fourth sector never reaches the disk.
	require.NoError(t, w.Save(raft.HardState{}, bigEntries(1, 4, 23, 200)))
	fs.FailSync(errors.New("injected"))
	require.Error(t, w.Sync())
	fs.FailSync(nil)
	sector := 0
	fs.CrashSectors(func(n int) int {
		defer func() { sector++ }()
		if sector == 4 { // the first call draws the size; then the sectors, in order
			return 0
		}
		return n - 1
	})

	w, rec := reopen(t, fs, opts)
	require.True(t, rec.TornTail, "%d entries, %d calls", len(rec.Entries), sector)
	requireEntries(t, synced, rec.Entries)

	// A short record over the start of what the crash left, synced, then a clean crash.
	next := bigEntries(2, 4, 4, 600)
	require.NoError(t, w.Save(raft.HardState{Term: 2, Vote: 1, Commit: 3}, next))
	require.NoError(t, w.Sync())
	fs.Crash()

	_, rec, err := wal.Open(fs, testDir, opts)
	require.NoError(t, err, "the torn tail's remains must be gone")
	require.False(t, rec.TornTail)
	requireEntries(t, append(synced, next...), rec.Entries)
}
