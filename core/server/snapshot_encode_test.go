package server

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/raftlab/raftlab/core/wal"
)

// snapFileWrites counts snapshot files written (opened under their temp name).
type snapFileWrites struct {
	wal.FS
	count *atomic.Int64
}

func (f snapFileWrites) OpenFile(name string, flag int, perm os.FileMode) (wal.File, error) {
	if strings.HasSuffix(name, ".snap.tmp") {
		f.count.Add(1)
	}
	return f.FS.OpenFile(name, flag, perm)
}

// TestSnapshotsEncodedAndWrittenOffTheLoopAreLoggedAndRestored: members snapshot every 20
// entries; each snapshot's file is written once, ahead, by the encoding goroutine (the persister
// only logs it), and a restart of every member from those snapshots keeps every write.
func TestSnapshotsEncodedAndWrittenOffTheLoopAreLoggedAndRestored(t *testing.T) {
	var files atomic.Int64
	c := newTestClusterWith(t, 3, func(cfg *Config) {
		cfg.SnapshotCount = 20
		cfg.FS = snapFileWrites{FS: cfg.FS, count: &files}
	})
	lead := c.leader()
	for i := range 100 {
		rep, err := c.set(lead, "/k"+strconv.Itoa(i), "v"+strconv.Itoa(i))
		require.NoError(t, err)
		require.NoError(t, rep.Err)
	}
	c.stopAll()
	var logged int64
	for i := range c.servers {
		var snaps int
		names, err := os.ReadDir(WALDir(filepath.Join(c.dir, c.members[i].Name+".etcd")))
		require.NoError(t, err)
		for _, n := range names {
			if strings.HasSuffix(n.Name(), ".snap") {
				snaps++
			}
		}
		require.Positive(t, snaps, "member %d took snapshots", i)
		logged += int64(snaps)
	}
	assert.LessOrEqual(t, files.Load(), int64(3*(100/20+2)), "each snapshot's file written once")

	for i := range c.servers {
		c.start(i)
	}
	lead = c.leader()
	// A write answered after the restart was applied after every entry before it.
	rep, err := c.set(lead, "/after", "restart")
	require.NoError(t, err)
	require.NoError(t, rep.Err)
	for i := range 100 {
		assert.Equal(t, "v"+strconv.Itoa(i), value(t, c.servers[lead], "/k"+strconv.Itoa(i)))
	}
	t.Logf("%d snapshot files written, %d kept", files.Load(), logged)
}

// TestSnapshotEncodingYieldsThroughTheConfiguredYield: the encoding goroutine calls
// Config.SnapshotYield as it encodes (kvd leaves the default, runtime.Gosched), and the snapshots
// it so encodes restore every write.
func TestSnapshotEncodingYieldsThroughTheConfiguredYield(t *testing.T) {
	const writes = 400
	var yields atomic.Int64
	c := newTestClusterWith(t, 1, func(cfg *Config) {
		cfg.SnapshotCount = writes
		cfg.SnapshotYield = func() { yields.Add(1) }
	})
	for i := range writes + 10 {
		rep, err := c.set(0, "/k"+strconv.Itoa(i), "v")
		require.NoError(t, err)
		require.NoError(t, rep.Err)
	}
	require.Eventually(t, func() bool { return yields.Load() > 0 }, 10*time.Second, 10*time.Millisecond,
		"a snapshot of %d keys and their results yields while it is encoded", writes)
	c.stopAll()
	c.start(0)
	for _, i := range []int{0, writes / 2, writes + 9} {
		assert.Equal(t, "v", value(t, c.servers[0], "/k"+strconv.Itoa(i)))
	}
}
