package wal

import (
	"bytes"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/raftlab/raftlab/core/raft"
)

// TestSnapshotFilePartsMatchTheCodec: the hand-written head plus the data are byte for byte the file
// the codec writes, for data and configurations of every msgpack size class, and decoding gives
// back the snapshot, its data aliasing the file.
func TestSnapshotFilePartsMatchTheCodec(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	uints := func(n int) []uint64 {
		switch n {
		case -1:
			return nil
		case 0:
			return []uint64{}
		}
		out := make([]uint64, n)
		for i := range out {
			out[i] = rng.Uint64() >> rng.IntN(64)
		}
		return out
	}
	for _, size := range []int{-1, 0, 1, 255, 256, 65535, 65536, 1 << 20} {
		for _, members := range []int{-1, 0, 3, 15, 16, 70000} {
			var data []byte
			if size >= 0 {
				data = make([]byte, size)
				for i := range data {
					data[i] = byte(rng.Uint32())
				}
			}
			snap := raft.Snapshot{Data: data, Metadata: raft.SnapshotMetadata{Index: rng.Uint64(), Term: uint64(rng.IntN(300)),
				ConfState: raft.ConfState{Voters: uints(members), Learners: uints(min(members, 2))}}}
			want, err := encodeSnapshotFile(newHandle(), snap)
			require.NoError(t, err)
			got := bytes.Join(snapshotFileParts(snap), nil)
			require.True(t, bytes.Equal(want, got), "data %d, members %d", size, members)
			back, err := decodeSnapshotFile(got)
			require.NoError(t, err)
			require.Equal(t, snap, back, "data %d, members %d", size, members)
			if size > 0 {
				assert.Same(t, &got[len(got)-size], &back.Data[0], "the data aliases the file")
			}
		}
	}
}
