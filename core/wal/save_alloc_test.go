package wal_test

import (
	"testing"

	"github.com/raftlab/raftlab/core/raft"
	"github.com/raftlab/raftlab/core/wal"
	"github.com/raftlab/raftlab/core/wal/memfs"
	"github.com/stretchr/testify/require"
)

// A Save of entries and a hard state that stays in the write buffer allocates nothing: the
// payloads are encoded without interface boxing and the frame CRC needs no copy of the type byte.
func TestBufferedSaveDoesNotAllocate(t *testing.T) {
	w := createWAL(t, memfs.New(), wal.Options{})
	data := make([]byte, 100)
	ents := []raft.Entry{{Term: 1, Data: data}, {Term: 1, Data: data}}
	index := uint64(0)
	save := func() {
		ents[0].Index, ents[1].Index = index+1, index+2
		index += 2
		require.NoError(t, w.Save(raft.HardState{Term: 1, Commit: index}, ents))
		if index%64 == 0 {
			require.NoError(t, w.Sync())
		}
	}
	for range 64 {
		save() // grow the write buffer
	}
	require.Zero(t, testing.AllocsPerRun(10, save))
}
