package node

import (
	"bytes"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestLargeSnapshotDataDecodesInLinearMemory guards restores against decoding the store's bytes in
// 256 KiB steps that each copy everything read so far: 16 MiB of store took some 500 MiB of
// allocation that way; decoded in one piece it takes about its own size.
func TestLargeSnapshotDataDecodesInLinearMemory(t *testing.T) {
	const size = 16 << 20
	want := snapshotData{Store: bytes.Repeat([]byte("kv"), size/2), Members: []Member{{ID: 1, Name: "n1"}},
		Dedup: []dedupRecord{{ID: 7, ErrText: "boom", EtcdIndex: 3}}}
	data, err := newCodecs().encode(&want)
	require.NoError(t, err)

	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	var got snapshotData
	require.NoError(t, decodeSnapshotData(data, &got))
	runtime.ReadMemStats(&after)

	assert.Equal(t, want.Store, got.Store)
	assert.Equal(t, want.Members, got.Members)
	assert.Equal(t, want.Dedup, got.Dedup)
	allocated := after.TotalAlloc - before.TotalAlloc
	assert.Less(t, allocated, uint64(3*size), "decoding %d bytes allocated %d", size, allocated)
}
