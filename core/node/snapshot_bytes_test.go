package node

import (
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/raftlab/raftlab/core/store"
)

// logBytes sums the data of the entries node id holds in memory.
func logBytes(c *testCluster, id uint64) int {
	n := 0
	for _, e := range c.nodes[id].LogEntries() {
		n += len(e.Data)
	}
	return n
}

// The log in memory is bounded by size, not only by count: with snapshots due every 10000 entries,
// 200 writes of 200 KiB (40 MiB, more than the watch history keeps) leave each member at most the
// last snapshot's size plus the catch-up entries' bytes plus an entry in memory, and the catch-up
// entries kept after a snapshot hold at most SnapshotCatchUpBytes. Deleting the values then shrinks
// the data enough for a new, smaller snapshot: the one kept for followers does not hold the deleted
// values beyond what the watch history still holds.
func TestLogAndSnapshotFollowTheDataSize(t *testing.T) {
	const (
		snapBytes    = 1 << 20
		catchUpBytes = 256 << 10
		valueBytes   = 200 << 10
		values       = 200
	)
	c := newTestCluster(t, 3, func(cfg *Config) {
		cfg.SnapshotBytes, cfg.SnapshotCatchUpBytes = snapBytes, catchUpBytes
		cfg.DedupBytes = 256 << 10
	})
	lead := c.waitLeader()
	value := strings.Repeat("v", valueBytes)
	maxLog := 0
	for i := range values {
		rep, ok := c.submit(lead, Request{Kind: KindWrite, Write: store.Request{Op: store.OpSet, Key: "/big/" + strconv.Itoa(i), Value: value}}, 50)
		require.True(t, ok)
		require.NoError(t, rep.Err)
		for _, id := range c.ids {
			maxLog = max(maxLog, logBytes(c, id))
		}
	}
	full := c.nodes[lead].snapBytes
	assert.Greater(t, full, uint64(values/2*valueBytes), "the last snapshot holds the values")
	assert.LessOrEqual(t, maxLog, int(full)+catchUpBytes+2*valueBytes, "log in memory, at most")

	rep, ok := c.submit(lead, Request{Kind: KindWrite, Write: store.Request{Op: store.OpDelete, Key: "/big", Dir: true, Recursive: true}}, 50)
	require.True(t, ok)
	require.NoError(t, rep.Err)
	for _, id := range c.ids {
		m := c.nodes[id]
		assert.Less(t, m.snapBytes, uint64(store.HistoryMaxBytes+2*valueBytes), "member %d took a snapshot of what is left", id)
		assert.Less(t, m.snapBytes, full/2, "member %d", id)
		assert.LessOrEqual(t, logBytes(c, id), catchUpBytes+valueBytes, "member %d: catch-up entries", id)
	}
}

// With etcd's --snapshot-count of 100,000 and writes of 256-byte values (kvctl bench's), the count
// decides when a snapshot is taken, not the byte bound: 100,000 such entries hold less than
// DefaultSnapshotBytes. (At the former 32 MiB the bytes fired first, after about 76,000 writes.)
func TestSmallWritesSnapshotByCount(t *testing.T) {
	const etcdSnapshotCount, writes = 100000, 50
	c := newTestCluster(t, 3, nil)
	lead := c.waitLeader()
	before := logBytes(c, lead)
	value := strings.Repeat("v", 256)
	for i := range writes {
		rep, ok := c.submit(lead, Request{Kind: KindWrite, Write: store.Request{Op: store.OpSet, Key: "/bench/k" + strconv.Itoa(1000+i), Value: value}}, 50)
		require.True(t, ok)
		require.NoError(t, rep.Err)
	}
	perEntry := (logBytes(c, lead) - before) / writes
	require.Greater(t, perEntry, 256, "an entry holds its value")
	assert.Less(t, etcdSnapshotCount*perEntry, DefaultSnapshotBytes, "%d bytes an entry", perEntry)
	assert.Greater(t, etcdSnapshotCount*perEntry, 32<<20, "%d bytes an entry", perEntry)
}
