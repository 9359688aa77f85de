package wal_test

import (
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/raftlab/raftlab/core/raft"
	"github.com/raftlab/raftlab/core/wal"
	"github.com/raftlab/raftlab/core/wal/memfs"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// makeAllRoom calls MakeRoom until it has nothing to do, and returns how many steps it wrote.
func makeAllRoom(t *testing.T, w *wal.WAL) int {
	t.Helper()
	n := 0
	for {
		made, err := w.MakeRoom()
		require.NoError(t, err)
		if !made {
			return n
		}
		n++
	}
}

// With MakeRoom called between batches, as kvd's server does, the writer never extends the room
// on its own path, and the log reads back whole.
func TestMakeRoomKeepsTheWriterOffItsPath(t *testing.T) {
	for _, ahead := range []bool{false, true} {
		dir := filepath.Join(t.TempDir(), "wal")
		w, err := wal.Create(wal.OSFS(), dir, testMetadata, wal.Options{Room: roomStep})
		require.NoError(t, err)
		made := 0
		var all []raft.Entry
		for b := range 300 {
			if ahead && w.RoomWanted() {
				made += makeAllRoom(t, w)
			}
			lo := uint64(3*b + 1)
			ents := entries(1, lo, lo+2)
			require.NoError(t, w.Save(raft.HardState{Term: 1, Commit: lo + 2}, ents))
			require.NoError(t, w.Sync())
			all = append(all, ents...)
		}
		if ahead {
			assert.Zero(t, w.Stats().RoomInline, "the room made ahead was always enough")
			assert.Positive(t, made)
		} else {
			assert.Positive(t, w.Stats().RoomInline, "without MakeRoom the writer extends the room itself")
		}
		assert.Zero(t, fileSize(t, lastRealSegment(t, dir))%roomStep, "the last segment is whole room steps")
		require.NoError(t, w.Close())
		afterClose, err := w.MakeRoom()
		require.NoError(t, err)
		assert.False(t, afterClose, "nothing is written into a closed WAL")

		_, rec, err := wal.Open(wal.OSFS(), dir, wal.Options{Room: roomStep})
		require.NoError(t, err)
		require.False(t, rec.TornTail, "room made ahead is room, no torn tail")
		requireEntries(t, all, rec.Entries)
	}
}

// MakeRoom on its own goroutine, as fast as it can, while the writer saves batches of every size
// (some larger than the room) across many segment cuts: every entry reads back, and no segment
// but the last has zeros after its records (replay would refuse those).
func TestMakeRoomConcurrentWithWritesAndCuts(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "wal")
	opts := wal.Options{Room: roomStep, SegmentSize: 32 << 10}
	w, err := wal.Create(wal.OSFS(), dir, testMetadata, opts)
	require.NoError(t, err)
	var stop atomic.Bool
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for !stop.Load() {
			if _, err := w.MakeRoom(); err != nil {
				t.Errorf("MakeRoom: %v", err)
				return
			}
			runtime.Gosched()
		}
	}()
	var all []raft.Entry
	next := uint64(1)
	for b := range 400 {
		n := uint64(1 + b%7)
		if b%50 == 49 {
			n = 40 // a batch far larger than a room step
		}
		ents := entries(1, next, next+n-1)
		for i := range ents {
			ents[i].Data = make([]byte, 100+b%300)
		}
		require.NoError(t, w.Save(raft.HardState{Term: 1, Commit: next + n - 1}, ents))
		require.NoError(t, w.Sync())
		all = append(all, ents...)
		next += n
	}
	stop.Store(true)
	wg.Wait()
	require.NoError(t, w.Close())

	names, err := filepath.Glob(filepath.Join(dir, "*.wal"))
	require.NoError(t, err)
	require.Greater(t, len(names), 5, "the writes crossed several cuts")
	for _, name := range names[:len(names)-1] {
		data, err := os.ReadFile(name)
		require.NoError(t, err)
		starts := recordStarts(t, data)
		assert.Equal(t, len(data), starts[len(starts)-1], "%s ends with its last record", name)
	}
	_, rec, err := wal.Open(wal.OSFS(), dir, opts)
	require.NoError(t, err)
	require.False(t, rec.TornTail)
	requireEntries(t, all, rec.Entries)
}

// Where the WAL keeps no room (the simulated disk, NoSync), MakeRoom does nothing.
func TestMakeRoomWithoutRoomDoesNothing(t *testing.T) {
	for name, c := range map[string]struct {
		fs   wal.FS
		opts wal.Options
	}{
		"memfs":    {memfs.New(), wal.Options{Room: roomStep}},
		"no sync":  {wal.OSFS(), wal.Options{Room: roomStep, NoSync: true}},
		"room off": {wal.OSFS(), wal.Options{Room: -1}},
	} {
		dir := filepath.Join(t.TempDir(), "wal")
		w, err := wal.Create(c.fs, dir, testMetadata, c.opts)
		require.NoError(t, err, name)
		made, err := w.MakeRoom()
		require.NoError(t, err, name)
		assert.False(t, made, name)
		require.NoError(t, w.Save(raft.HardState{Term: 1, Commit: 1}, entries(1, 1, 1)), name)
		require.NoError(t, w.Sync(), name)
		require.NoError(t, w.Close(), name)
	}
}
