package server

import (
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDiskMetricsCountTheWALsSyncsAndTheSnapshots: every member times its WAL syncs and counts the
// WAL's bytes, and times the snapshots it encodes and writes ahead.
func TestDiskMetricsCountTheWALsSyncsAndTheSnapshots(t *testing.T) {
	c := newTestClusterWith(t, 3, func(cfg *Config) { cfg.SnapshotCount = 10 })
	lead := c.leader()
	before := c.servers[lead].WALFsyncs().Count()
	for i := range 40 {
		rep, err := c.set(lead, "/k"+strconv.Itoa(i), "v")
		require.NoError(t, err)
		require.NoError(t, rep.Err)
	}
	for i, s := range c.servers {
		assert.Greater(t, s.WALFsyncs().Count(), uint64(0), "member %d", i)
		assert.Positive(t, s.WALWriteBytes(), "member %d", i)
		assert.Positive(t, s.SnapshotMarshals().Count(), "member %d took snapshots of 40 writes at 10", i)
	}
	s := c.servers[lead]
	assert.GreaterOrEqual(t, s.WALFsyncs().Count(), before+1, "the leader's writes were synced")
	assert.Equal(t, s.SnapshotMarshals().Count(), s.SnapshotSaves().Count(), "every snapshot encoded was written")
}
