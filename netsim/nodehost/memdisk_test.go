package nodehost

import (
	"errors"
	"syscall"
	"testing"

	"github.com/raftlab/raftlab/core/raft"
	"github.com/raftlab/raftlab/netsim"
	"github.com/stretchr/testify/require"
)

func entries(term uint64, from, to uint64) []raft.Entry {
	var out []raft.Entry
	for i := from; i <= to; i++ {
		out = append(out, raft.Entry{Term: term, Index: i, Data: []byte{byte(i)}})
	}
	return out
}

func indexes(es []raft.Entry) []uint64 {
	var out []uint64
	for _, e := range es {
		out = append(out, e.Index)
	}
	return out
}

func TestMemDiskKeepsOnlySyncedBatchesAcrossCrashes(t *testing.T) {
	d := newMemDisk()
	got, err := d.Recover()
	require.NoError(t, err)
	require.Nil(t, got, "a fresh disk recovers nothing")

	require.NoError(t, d.Save(&netsim.PersistBatch{HardState: raft.HardState{Term: 1, Commit: 3}, Entries: entries(1, 1, 5)}))
	require.NoError(t, d.Sync())
	// A conflicting append replaces the suffix from index 4; then an unsynced batch.
	require.NoError(t, d.Save(&netsim.PersistBatch{HardState: raft.HardState{Term: 2, Commit: 4}, Entries: entries(2, 4, 6)}))
	require.NoError(t, d.Sync())
	require.NoError(t, d.Save(&netsim.PersistBatch{HardState: raft.HardState{Term: 2, Commit: 6}, Entries: entries(2, 7, 8)}))
	d.Crash()
	got, err = d.Recover()
	require.NoError(t, err)
	require.Equal(t, raft.HardState{Term: 2, Commit: 4}, got.HardState)
	require.Equal(t, []uint64{1, 2, 3, 4, 5, 6}, indexes(got.Entries))
	require.Equal(t, uint64(2), got.Entries[3].Term)

	// A snapshot drops the prefix it covers.
	snap := raft.Snapshot{Metadata: raft.SnapshotMetadata{Index: 4, Term: 2}, Data: []byte("s")}
	require.NoError(t, d.Save(&netsim.PersistBatch{Snapshot: snap}))
	require.NoError(t, d.Sync())
	got, err = d.Recover()
	require.NoError(t, err)
	require.Equal(t, snap, got.Snapshot)
	require.Equal(t, []uint64{5, 6}, indexes(got.Entries))
}

func TestMemDiskFaults(t *testing.T) {
	d := newMemDisk()
	eio := errors.New("EIO")
	d.FailSync(eio)
	require.NoError(t, d.Save(&netsim.PersistBatch{Entries: entries(1, 1, 1)}))
	require.ErrorIs(t, d.Sync(), eio)
	require.ErrorIs(t, d.Save(&netsim.PersistBatch{Entries: entries(1, 2, 2)}), eio, "a failed disk stays failed")
	d.FailSync(nil)
	d.Crash()
	got, err := d.Recover()
	require.NoError(t, err)
	require.Nil(t, got, "nothing was ever synced")

	d.SetCapacity(2)
	require.NoError(t, d.Save(&netsim.PersistBatch{Entries: entries(1, 1, 2)}))
	require.ErrorIs(t, d.Save(&netsim.PersistBatch{Entries: entries(1, 3, 3)}), syscall.ENOSPC)
	d.SetCapacity(-1)
	require.NoError(t, d.Save(&netsim.PersistBatch{Entries: entries(1, 3, 3)}))
}
