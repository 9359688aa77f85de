package server

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/raftlab/raftlab/core/wal"
)

// heldRemovals holds every removal of a snapshot file until released, and counts them.
type heldRemovals struct {
	wal.FS
	held    chan struct{} // closed to let the removals through
	waiting *atomic.Int64
	done    *atomic.Int64
}

func (f heldRemovals) Remove(name string) error {
	if strings.HasSuffix(name, ".snap") {
		f.waiting.Add(1)
		<-f.held
		defer f.done.Add(1)
	}
	return f.FS.Remove(name)
}

// TestOldFilesAreReleasedOffThePersistersPath: a member's deletions of the WAL files its snapshots
// left unneeded (wal.Release) run beside its persister. While one hangs, writes are still made
// durable and answered; once it goes through, the old files are gone.
func TestOldFilesAreReleasedOffThePersistersPath(t *testing.T) {
	var waiting, done atomic.Int64
	held := make(chan struct{})
	var once sync.Once
	release := func() { once.Do(func() { close(held) }) }
	t.Cleanup(release)
	c := newTestClusterWith(t, 1, func(cfg *Config) {
		cfg.SnapshotCount = 10
		cfg.FS = heldRemovals{FS: cfg.FS, held: held, waiting: &waiting, done: &done}
	})
	write := func(i int) {
		rep, err := c.set(0, "/k"+strconv.Itoa(i), "v")
		require.NoError(t, err)
		require.NoError(t, rep.Err)
	}
	i := 0
	for ; waiting.Load() == 0; i++ {
		require.Less(t, i, 200, "the third snapshot's release removes the first one's file")
		write(i)
	}
	for range 50 { // five more snapshots' worth, with a removal hanging all along
		write(i)
		i++
	}
	require.Equal(t, int64(1), waiting.Load(), "one removal hangs; the releases after it wait their turn")
	require.Zero(t, done.Load())

	release()
	walDir := WALDir(filepath.Join(c.dir, c.members[0].Name+".etcd"))
	require.Eventually(t, func() bool {
		write(i)
		i++
		names, err := os.ReadDir(walDir)
		require.NoError(t, err)
		snaps := 0
		for _, n := range names {
			if strings.HasSuffix(n.Name(), ".snap") {
				snaps++
			}
		}
		return snaps <= 3 // the newest, the previous one, and one prepared ahead at most
	}, 10*time.Second, 20*time.Millisecond, "the old snapshot files are deleted once removals go through")
	require.Positive(t, done.Load())
}
