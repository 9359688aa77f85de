package nodehost

import (
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/raftlab/raftlab/core/raft"
	"github.com/raftlab/raftlab/netsim"
	"github.com/stretchr/testify/require"
)

// lastSegmentSize is the size of the last WAL segment on d's disk.
func lastSegmentSize(t *testing.T, d *walDisk) int64 {
	t.Helper()
	names, err := d.fs.ReadDir(walDir)
	require.NoError(t, err)
	var last string
	for _, n := range names {
		if filepath.Ext(n) == ".wal" {
			last = n
		}
	}
	require.NotEmpty(t, last)
	size, err := d.fs.Stat(filepath.Join(walDir, last))
	require.NoError(t, err)
	return size
}

func TestWALDiskKeepsRoomOnlyWhenAsked(t *testing.T) {
	for _, room := range []int64{0, 4 << 10} {
		d := newWALDisk("n1", rand.New(rand.NewPCG(1, 1)), Options{WALRoom: room})
		require.NoError(t, d.Save(&netsim.PersistBatch{HardState: raft.HardState{Term: 1, Commit: 2}, Entries: entries(1, 1, 2)}))
		require.NoError(t, d.Sync())
		size := lastSegmentSize(t, d)
		if room == 0 {
			require.Less(t, size, int64(4<<10), "without WALRoom the WAL only appends its records")
			continue
		}
		require.Zero(t, size%room, "with WALRoom zeros are kept written ahead of the records, in whole steps")
		require.GreaterOrEqual(t, size, 4*room, "and made ahead by four steps after the sync, as kvd's server makes them")
		require.LessOrEqual(t, d.w.Stats().RoomInline, int64(1), "the WAL extended its room itself for its first batch at most")
	}
}

// TestWALDiskWithRoomTearsBySectors: a WAL with room crashes sector by sector only (a byte prefix
// would tear a sector written over the room in half), and recovery always finds the synced prefix.
func TestWALDiskWithRoomTearsBySectors(t *testing.T) {
	sectors := 0
	for seed := range uint64(50) {
		d := newWALDisk("n1", rand.New(rand.NewPCG(seed, 3)), Options{TornWrites: true, WALRoom: 4 << 10})
		require.NoError(t, d.Save(&netsim.PersistBatch{HardState: raft.HardState{Term: 1, Commit: 2}, Entries: entries(1, 1, 2)}))
		require.NoError(t, d.Sync())
		// Big enough that the WAL flushes it to the file before any fsync.
		big := entries(1, 3, 8)
		for i := range big {
			big[i].Data = make([]byte, 200<<10)
		}
		require.NoError(t, d.Save(&netsim.PersistBatch{HardState: raft.HardState{Term: 1, Commit: 4}, Entries: big}))
		require.True(t, d.fs.UnsyncedWrites())
		d.Crash()
		got, err := d.Recover()
		require.NoError(t, err, "seed %d", seed)
		require.GreaterOrEqual(t, len(got.Entries), 2)
		require.Equal(t, []uint64{1, 2}, indexes(got.Entries[:2]))
		sectors += d.sectorCrashes
	}
	require.Equal(t, 50, sectors, "every torn crash of a WAL with room keeps a subset of sectors")
}
