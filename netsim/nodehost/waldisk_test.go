package nodehost

import (
	"math/rand/v2"
	"syscall"
	"testing"

	"github.com/raftlab/raftlab/checker/history"
	"github.com/raftlab/raftlab/core/raft"
	"github.com/raftlab/raftlab/core/wal"
	"github.com/raftlab/raftlab/netsim"
	"github.com/stretchr/testify/require"
)

func TestWALDiskDropsUnsyncedBatchesOnCrash(t *testing.T) {
	d := newWALDisk("n1", rand.New(rand.NewPCG(1, 1)), Options{})
	got, err := d.Recover()
	require.NoError(t, err)
	require.Nil(t, got)

	require.NoError(t, d.Save(&netsim.PersistBatch{HardState: raft.HardState{Term: 1, Vote: 1, Commit: 2}, Entries: entries(1, 1, 3)}))
	require.NoError(t, d.Sync())
	require.NoError(t, d.Save(&netsim.PersistBatch{HardState: raft.HardState{Term: 1, Vote: 1, Commit: 3}, Entries: entries(1, 4, 6)}))
	d.Crash()
	got, err = d.Recover()
	require.NoError(t, err)
	require.Equal(t, raft.HardState{Term: 1, Vote: 1, Commit: 2}, got.HardState)
	require.Equal(t, []uint64{1, 2, 3}, indexes(got.Entries))
	require.Equal(t, []byte("raftlab simulated member n1"), got.Metadata)

	// The reopened WAL takes further appends, conflicting ones replacing the suffix.
	require.NoError(t, d.Save(&netsim.PersistBatch{HardState: raft.HardState{Term: 2, Commit: 3}, Entries: entries(2, 3, 4)}))
	require.NoError(t, d.Sync())
	d.Crash()
	got, err = d.Recover()
	require.NoError(t, err)
	require.Equal(t, []uint64{1, 2, 3, 4}, indexes(got.Entries))
	require.Equal(t, uint64(2), got.Entries[2].Term)
}

// TestWALDiskTornWritesRecoverTheSyncedPrefix crashes with unsynced writes on the disk, which keeps
// a prefix of them or any subset of their sectors, crash by crash: recovery always succeeds with
// the synced prefix (with the old rule, zeros only at the end of the file, the sector crashes were
// refused as corruption).
func TestWALDiskTornWritesRecoverTheSyncedPrefix(t *testing.T) {
	torn, sectors := 0, 0
	for seed := range uint64(100) {
		d := newWALDisk("n1", rand.New(rand.NewPCG(seed, 3)), Options{TornWrites: true})
		require.NoError(t, d.Save(&netsim.PersistBatch{HardState: raft.HardState{Term: 1, Commit: 2}, Entries: entries(1, 1, 2)}))
		require.NoError(t, d.Sync())
		// Big enough that the WAL flushes it to the file before any fsync.
		big := entries(1, 3, 8)
		for i := range big {
			big[i].Data = make([]byte, 200<<10)
		}
		require.NoError(t, d.Save(&netsim.PersistBatch{HardState: raft.HardState{Term: 1, Commit: 4}, Entries: big}))
		d.Crash()
		got, err := d.Recover()
		require.NoError(t, err, "seed %d", seed)
		// Whatever part of the unsynced write survived, the synced prefix is intact and any
		// recovered extra entries are whole.
		require.GreaterOrEqual(t, len(got.Entries), 2)
		require.Equal(t, []uint64{1, 2}, indexes(got.Entries[:2]))
		torn += d.tornTails
		sectors += d.sectorCrashes
	}
	require.Positive(t, torn, "some crashes tore the last record")
	require.Positive(t, sectors, "some crashes kept a subset of the sectors")
	require.Less(t, sectors, 100, "some crashes kept a prefix")
}

func TestWALDiskFaults(t *testing.T) {
	d := newWALDisk("n1", rand.New(rand.NewPCG(1, 1)), Options{})
	require.NoError(t, d.Save(&netsim.PersistBatch{HardState: raft.HardState{Term: 1}, Entries: entries(1, 1, 1)}))
	d.FailSync(syscall.EIO)
	require.ErrorIs(t, d.Sync(), wal.ErrFailed)
	d.FailSync(nil)
	require.Error(t, d.Sync(), "a failed WAL stays failed until reopened")
	d.Crash()
	_, err := d.Recover()
	require.NoError(t, err)

	d.SetCapacity(0)
	err = d.Save(&netsim.PersistBatch{HardState: raft.HardState{Term: 1}, Entries: entries(1, 1, 50)})
	if err == nil {
		err = d.Sync()
	}
	require.ErrorIs(t, err, syscall.ENOSPC)
}

func TestAcknowledgedWritesSurviveCrashesOfEveryNode(t *testing.T) {
	s, mon := newCluster(t, netsim.Config{Seed: 6, Nodes: 3, DiskLatency: netsim.Latency{Min: 2 * ms, Spread: 8 * ms}}, Options{TornWrites: true})
	require.True(t, s.RunUntil(leaderElected(s), 5*second))
	var acked []string
	for i, v := range []string{"a", "b", "c", "d", "e"} {
		call, err := s.Do(netsim.Request{Kind: netsim.ReqSet, Key: "/k" + v, Value: v}, netsim.DoOptions{})
		require.NoError(t, err)
		// Crash one node while the write is in flight (persist batches are mid-way on some disk).
		victim := uint64(i%3 + 1)
		s.RunFor(3 * ms)
		require.NoError(t, s.Crash(victim))
		require.True(t, s.RunUntil(call.Done, s.Now()+5*second))
		if call.Op().Outcome == history.OutcomeOK {
			acked = append(acked, v)
		}
		require.NoError(t, s.Restart(victim))
		require.True(t, s.RunUntil(leaderElected(s), s.Now()+5*second))
	}
	require.NotEmpty(t, acked)
	// Now crash every node at once and restart them all: acknowledged writes must be there.
	for _, id := range s.Nodes() {
		require.NoError(t, s.Crash(id))
	}
	for _, id := range s.Nodes() {
		require.NoError(t, s.Restart(id))
	}
	require.True(t, s.RunUntil(leaderElected(s), s.Now()+5*second))
	s.RunFor(2 * second)
	for _, v := range acked {
		read, err := s.Do(netsim.Request{Kind: netsim.ReqQuorumGet, Key: "/k" + v}, netsim.DoOptions{})
		require.NoError(t, err)
		require.True(t, s.RunUntil(read.Done, s.Now()+5*second))
		require.Equal(t, history.OutcomeOK, read.Op().Outcome)
		require.True(t, read.Op().Found, "acknowledged write of /k%s lost", v)
		require.Equal(t, v, read.Op().Result)
	}
	require.Empty(t, mon.Violations())
	requireLinearizable(t, s.History())
}
