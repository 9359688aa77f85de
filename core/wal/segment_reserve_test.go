package wal_test

import (
	"runtime"
	"testing"

	"github.com/raftlab/raftlab/core/raft"
	"github.com/raftlab/raftlab/core/wal"
	"github.com/raftlab/raftlab/core/wal/memfs"
	"github.com/stretchr/testify/require"
)

// On memfs a new segment reserves room for what it is expected to reach, the segment size and a
// crossing batch: its records are then written into one buffer of about that size, not into the
// file system's default buffer for growing files (64 KiB) or a series of growing ones.
func TestSegmentsAreWrittenIntoReservedRoom(t *testing.T) {
	const segmentSize = 32 << 10
	w := createWAL(t, memfs.New(), wal.Options{SegmentSize: segmentSize})
	data := make([]byte, 80)
	index := uint64(0)
	save := func(batches int) {
		for range batches {
			index++
			require.NoError(t, w.Save(raft.HardState{Term: 1, Commit: index}, []raft.Entry{{Term: 1, Index: index, Data: data}}))
			require.NoError(t, w.Sync())
		}
	}
	save(1000) // warm up the WAL's own buffers
	segments := w.Stats().Segments
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	save(3000)
	runtime.ReadMemStats(&after)
	cuts := w.Stats().Segments - segments
	require.Greater(t, cuts, 5)
	perCut := (after.TotalAlloc - before.TotalAlloc) / uint64(cuts)
	require.Less(t, perCut, uint64(segmentSize*3/2), "bytes allocated per segment (64 KiB without the reservation)")
}
