package node

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/raftlab/raftlab/core/store"
)

// hostEncodes is a cluster whose nodes hand their snapshots to the host to encode.
func hostEncodes(cfg *Config) {
	cfg.HostEncodesSnapshots = true
	cfg.SnapshotCount, cfg.SnapshotCatchUpEntries = 10, 2
}

// writeKeys writes prefix0..prefix<count-1> through member id.
func writeKeys(t *testing.T, c *testCluster, id uint64, prefix string, count int) {
	t.Helper()
	for i := range count {
		r, ok := c.submit(id, setReq(fmt.Sprintf("%s%d", prefix, i), "v"), 50)
		require.True(t, ok, "write %d answered", i)
		require.NoError(t, r.Err)
	}
}

// leaderWithJobOut is a hostEncodes cluster whose leader wrote count keys (/k0...) and holds its
// first snapshot job, the one job out.
func leaderWithJobOut(t *testing.T, count int) (*testCluster, uint64, *SnapshotJob) {
	t.Helper()
	c := newTestCluster(t, 3, hostEncodes)
	lead := c.waitLeader()
	c.holdEncode[lead] = true
	writeKeys(t, c, lead, "/k", count)
	require.Len(t, c.jobs[lead], 1, "one job at a time")
	return c, lead, c.jobs[lead][0]
}

func TestHostEncodedSnapshotHoldsTheStateItWasFrozenAtWhileWritesGoOn(t *testing.T) {
	c, lead, job := leaderWithJobOut(t, 15) // the writes after the job are answered while it is out
	n := c.nodes[lead]
	require.Greater(t, n.Status().Applied, job.Index(), "the node applied past the frozen index")
	assert.True(t, c.disks[lead].snap.IsEmpty(), "nothing persisted before the host encoded it")
	first, err := n.storage.FirstIndex()
	require.NoError(t, err)
	assert.Equal(t, uint64(1), first, "the log is compacted only once the snapshot exists")

	data, err := job.Encode()
	require.NoError(t, err)
	again, err := job.Encode()
	require.NoError(t, err)
	assert.Equal(t, data, again, "a job always encodes to the same bytes")
	n.SnapshotEncoded(job, data, nil)
	c.pump()

	snap := c.disks[lead].snap
	require.Equal(t, job.Index(), snap.Metadata.Index, "the snapshot persisted is the job's")
	first, err = n.storage.FirstIndex()
	require.NoError(t, err)
	assert.Greater(t, first, uint64(1), "the log was compacted")
	_, storeData, err := decodeSnapshotData(snap.Data)
	require.NoError(t, err)
	frozen := store.New()
	require.NoError(t, frozen.Recovery(storeData))
	assert.Less(t, frozen.Index(), n.Store().Index(), "the snapshot holds the state at its index, not the later writes")

	// A restart from the snapshot and the log after it has every write.
	c.restart(lead)
	for i := range 15 {
		ev, err := c.nodes[lead].Store().Get(fmt.Sprintf("/k%d", i), false, false, 0)
		require.NoError(t, err, "key %d after the restart", i)
		assert.Equal(t, "v", *ev.Node.Value)
	}
}

func TestSnapshotJobOlderThanAnInstalledSnapshotIsIgnored(t *testing.T) {
	c := newTestCluster(t, 3, hostEncodes)
	lead := c.waitLeader()
	f := followerOf(c, lead)
	c.holdEncode[f] = true
	writeKeys(t, c, lead, "/a", 12)
	require.Len(t, c.jobs[f], 1)
	stale := c.jobs[f][0]
	// The follower falls behind the leader's compaction and gets the leader's snapshot installed.
	c.isolate(f)
	writeKeys(t, c, lead, "/b", 40)
	c.heal()
	c.tick(20)
	installed := c.disks[f].snap.Metadata.Index
	require.Greater(t, installed, stale.Index(), "the follower installed the leader's newer snapshot")

	data, err := stale.Encode()
	require.NoError(t, err)
	c.nodes[f].SnapshotEncoded(stale, data, nil)
	c.pump()
	assert.Equal(t, installed, c.disks[f].snap.Metadata.Index, "the stale job changed nothing")
	assert.Nil(t, c.nodes[f].Status().Failed)
	r, ok := c.submit(lead, setReq("/after", "v"), 50)
	require.True(t, ok)
	require.NoError(t, r.Err)
}

func TestNodeEncodesItsOwnSnapshotsByDefault(t *testing.T) {
	c := newTestCluster(t, 3, func(cfg *Config) { cfg.SnapshotCount, cfg.SnapshotCatchUpEntries = 10, 2 })
	lead := c.waitLeader()
	c.holdEncode[lead] = true
	writeKeys(t, c, lead, "/k", 15)
	assert.Empty(t, c.jobs[lead], "no job handed out")
	assert.False(t, c.disks[lead].snap.IsEmpty(), "the snapshot was taken in the step")
}

func TestAddedMemberSnapshotSupersedesAJobOut(t *testing.T) {
	c, lead, old := leaderWithJobOut(t, 12)
	r, ok := c.submit(lead, Request{Kind: KindMemberAddLearner, Member: Member{ID: 77, PeerURLs: []string{"http://p77"}}}, 50)
	require.True(t, ok)
	require.NoError(t, r.Err)
	n := c.nodes[lead]
	forced := c.disks[lead].snap.Metadata.Index
	require.Greater(t, forced, old.Index(), "the added member's snapshot was taken in the step")
	first, err := n.storage.FirstIndex()
	require.NoError(t, err)
	assert.Equal(t, forced+1, first, "and the log compacted to it at once")

	data, err := old.Encode()
	require.NoError(t, err)
	n.SnapshotEncoded(old, data, nil)
	c.pump()
	assert.Equal(t, forced, c.disks[lead].snap.Metadata.Index, "the superseded job changed nothing")
}

// BenchmarkSnapshotFreezeAndEncode measures what a snapshot of the harness's key space costs (10,000
// keys of 256-byte values written twice: 20,000 remembered results): freezing it is what the
// node's step pays when the host encodes snapshots, encoding it what it paid before (and what the
// host's goroutine pays now).
func BenchmarkSnapshotFreezeAndEncode(b *testing.B) {
	c := newBenchCluster(b, 1, func(cfg *Config) { cfg.SnapshotCount = 1 << 30; cfg.SnapshotBytes = 1 << 40 })
	lead := c.nodes[c.leader()]
	value := strings.Repeat("v", 256)
	for i := range 20000 {
		lead.Submit(Request{ID: uint64(1<<32 + i), Kind: KindWrite, Write: store.Request{Op: store.OpSet, Key: "/bench/" + strconv.Itoa(i%10000), Value: value}})
		if i%256 == 255 {
			c.pump()
		}
	}
	c.pump()
	if c.failed != 0 {
		b.Fatalf("%d writes failed", c.failed)
	}
	b.Run("freeze", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			lead.freezeSnapshot()
		}
	})
	b.Run("encode", func(b *testing.B) {
		job := lead.freezeSnapshot()
		b.ReportAllocs()
		for b.Loop() {
			data, err := job.Encode()
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(len(data)))
		}
	})
}

func TestSnapshotJobNamesTheSnapshotTheNodeMakesOfIt(t *testing.T) {
	c, lead, job := leaderWithJobOut(t, 12)
	data, err := job.Encode()
	require.NoError(t, err)
	want := job.Snapshot(data)
	c.nodes[lead].SnapshotEncoded(job, data, nil)
	c.pump()
	assert.Equal(t, want, c.disks[lead].snap, "a file written ahead from the job is the one persisted")
}

func TestLogOverTwiceItsBoundWhileAJobIsOutIsSnapshottedInTheStep(t *testing.T) {
	c := newTestCluster(t, 3, func(cfg *Config) {
		cfg.HostEncodesSnapshots = true
		cfg.SnapshotCount, cfg.SnapshotCatchUpEntries = 1<<20, 2
		cfg.SnapshotBytes, cfg.SnapshotCatchUpBytes = 8<<10, 1<<10
	})
	lead := c.waitLeader()
	c.holdEncode[lead] = true
	value := strings.Repeat("v", 1024)
	write := func(i int) {
		r, ok := c.submit(lead, setReq(fmt.Sprintf("/k%d", i), value), 50)
		require.True(t, ok)
		require.NoError(t, r.Err)
	}
	i := 0
	for ; len(c.jobs[lead]) == 0; i++ {
		require.Less(t, i, 100, "a snapshot is due by size")
		write(i)
	}
	job := c.jobs[lead][0]
	for ; c.disks[lead].snap.IsEmpty(); i++ {
		require.Less(t, i, 100, "the log does not grow without bound while the job is out")
		write(i)
	}
	assert.Greater(t, c.disks[lead].snap.Metadata.Index, job.Index(), "a newer snapshot was taken in the step")
	n := c.nodes[lead]
	assert.Less(t, n.logBytes, 2*n.cfg.SnapshotBytes)
	data, err := job.Encode()
	require.NoError(t, err)
	snap := c.disks[lead].snap
	n.SnapshotEncoded(job, data, nil)
	c.pump()
	assert.Equal(t, snap, c.disks[lead].snap, "the superseded job changed nothing")
}

func TestPersistedSnapshotBatchIsNotKeptOnceReplaced(t *testing.T) {
	c := newTestCluster(t, 3, hostEncodes)
	lead := c.waitLeader()
	writeKeys(t, c, lead, "/k", 25)
	n := c.nodes[lead]
	n.Ready()
	for _, b := range n.batches {
		assert.True(t, b.Snapshot.IsEmpty() && b.Entries == nil, "batch %d is the host's no more and keeps nothing", b.Seq)
	}
}

// TestEncodeYieldingYieldsAsItGoesAndGivesTheSameBytes: the host's yield is called through the
// dedup records and the store's nodes (and once between the two parts), and changes nothing in
// what the job encodes to.
func TestEncodeYieldingYieldsAsItGoesAndGivesTheSameBytes(t *testing.T) {
	const writes = 700
	c := newTestCluster(t, 3, func(cfg *Config) {
		hostEncodes(cfg)
		cfg.SnapshotCount = writes
	})
	lead := c.waitLeader()
	c.holdEncode[lead] = true
	writeKeys(t, c, lead, "/k", writes)
	require.Len(t, c.jobs[lead], 1)
	job := c.jobs[lead][0]
	require.GreaterOrEqual(t, len(job.dedup), writes-10, "the job remembers the writes' results")

	plain, err := job.Encode()
	require.NoError(t, err)
	yields := 0
	yielded, err := job.EncodeYielding(func() { yields++ })
	require.NoError(t, err)
	assert.Equal(t, plain, yielded)
	// The dedup records count, then one yield between the parts, then the store's nodes and events
	// as the store counts them.
	storeYields := 0
	_, err = job.store.AppendSnapshot(nil, func() { storeYields++ })
	require.NoError(t, err)
	require.Positive(t, storeYields)
	assert.Equal(t, len(job.dedup)/store.YieldEvery+1+storeYields, yields)
}
