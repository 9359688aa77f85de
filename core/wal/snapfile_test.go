package wal

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/raftlab/raftlab/core/raft"
)

// TestLargeSnapshotDecodesInFewAllocations guards against decoding a big snapshot body in 4 KiB
// steps, each copying everything read so far (quadratic in the snapshot's size): 4 MiB of data must
// decode with a handful of allocations, not one per 4 KiB.
func TestLargeSnapshotDecodesInFewAllocations(t *testing.T) {
	h := newHandle()
	data := bytes.Repeat([]byte("raftlab!"), 512<<10) // 4 MiB
	file, err := encodeSnapshotFile(h, raft.Snapshot{Data: data,
		Metadata: raft.SnapshotMetadata{Index: 7, Term: 2, ConfState: raft.ConfState{Voters: []uint64{1, 2, 3}}}})
	require.NoError(t, err)

	got, err := decodeSnapshotFile(file)
	require.NoError(t, err)
	assert.Equal(t, data, got.Data)
	assert.Equal(t, uint64(7), got.Metadata.Index)
	assert.Equal(t, []uint64{1, 2, 3}, got.Metadata.ConfState.Voters)

	allocs := testing.AllocsPerRun(3, func() {
		_, err := decodeSnapshotFile(file)
		require.NoError(t, err)
	})
	assert.Less(t, allocs, 100.0, "one allocation per 4 KiB would be over 1,000")
}

// TestTruncatedSnapshotBodyIsRefused shows the size bound does not let a short body through.
func TestTruncatedSnapshotBodyIsRefused(t *testing.T) {
	h := newHandle()
	file, err := encodeSnapshotFile(h, raft.Snapshot{Data: bytes.Repeat([]byte{1}, 100_000),
		Metadata: raft.SnapshotMetadata{Index: 1, Term: 1}})
	require.NoError(t, err)
	_, err = decodeSnapshotFile(file[:len(file)-10])
	assert.Error(t, err)
}
