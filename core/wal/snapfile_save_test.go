package wal_test

import (
	"bytes"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/raftlab/raftlab/core/raft"
	"github.com/raftlab/raftlab/core/wal"
)

// TestSavingASnapshotCopiesNothing: SaveSnapshot writes the data from the snapshot itself, to a
// real file: what it allocates does not grow with the snapshot's size.
func TestSavingASnapshotCopiesNothing(t *testing.T) {
	const size = 32 << 20
	w, err := wal.Create(wal.OSFS(), t.TempDir(), nil, wal.Options{NoSync: true})
	require.NoError(t, err)
	defer w.Close()
	require.NoError(t, w.Save(raft.HardState{Term: 1, Commit: 10}, []raft.Entry{{Term: 1, Index: 1}}))
	snap := raft.Snapshot{Data: bytes.Repeat([]byte("s"), size), Metadata: raft.SnapshotMetadata{Index: 1, Term: 1}}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	require.NoError(t, w.SaveSnapshot(snap))
	runtime.ReadMemStats(&after)
	allocated := after.TotalAlloc - before.TotalAlloc
	t.Logf("saving a %d MiB snapshot allocated %d KiB", size>>20, allocated>>10)
	assert.Less(t, allocated, uint64(1<<20), "no copy of the snapshot on the way to the file")
}
