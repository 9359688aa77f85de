package server

import (
	"context"
	"fmt"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/raftlab/raftlab/core/node"
	"github.com/raftlab/raftlab/core/store"
)

// retainedBound is how much heap a member may keep beyond its live data once the writes that went
// through it are gone: the watch history's byte budget, the dedup table's, the log's (the bytes
// that trigger a snapshot and the catch-up entries kept after one), the snapshot it keeps for its
// followers (which holds the history and the dedup table again), and 16 MiB for everything else.
const retainedBound = store.HistoryMaxBytes + node.DefaultDedupBytes + node.DefaultSnapshotBytes +
	node.DefaultSnapshotCatchUpBytes + store.HistoryMaxBytes + node.DefaultDedupBytes + 16<<20

// TestMemoryFollowsLiveDataNotWriteHistory writes 120 values of 1.5 MiB (180 MiB) to one member and
// deletes them all: its heap must come back within retainedBound of where it started, whatever
// went through it (the watch history, the dedup table and the log kept every value before, some
// 360 MiB). Then it writes 40 values again and keeps them: the heap may grow by about their size
// (twice: the tree and the snapshot kept for followers) plus the same bound.
func TestMemoryFollowsLiveDataNotWriteHistory(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 240 MiB")
	}
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(2 << 30))
	c := newTestCluster(t, 1)
	c.leader()
	const valueBytes = node.DefaultMaxRequestBytes - 64
	value := func(i int) string { return fmt.Sprintf("%08d", i) + strings.Repeat("v", valueBytes-8) }
	do := func(req node.Request) {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		rep, err := c.servers[0].Do(ctx, req)
		require.NoError(t, err)
		require.NoError(t, rep.Err)
	}
	write := func(i int) {
		do(node.Request{Kind: node.KindWrite, Write: store.Request{Op: store.OpSet, Key: fmt.Sprintf("/big/%04d", i), Value: value(i)}})
	}
	base := liveHeap()

	for i := range 120 {
		write(i)
	}
	do(node.Request{Kind: node.KindWrite, Write: store.Request{Op: store.OpDelete, Key: "/big", Dir: true, Recursive: true}})
	for i := range 20 { // small writes after the delete, as a cluster goes on
		do(node.Request{Kind: node.KindWrite, Write: store.Request{Op: store.OpSet, Key: fmt.Sprintf("/small/%d", i), Value: "x"}})
	}
	empty := settledHeap(base, retainedBound)
	t.Logf("heap: %d MiB at start, %d MiB after 180 MiB written and deleted (bound %d MiB)", base>>20, empty>>20, retainedBound>>20)
	assert.Less(t, int64(empty)-int64(base), int64(retainedBound), "heap kept after every value was deleted")

	const kept = 40
	for i := range kept {
		write(1000 + i)
	}
	live := uint64(kept * valueBytes)
	full := settledHeap(base, 2*live+retainedBound)
	t.Logf("heap: %d MiB with %d MiB of live values (bound %d MiB)", full>>20, live>>20, (2*live+retainedBound)>>20)
	assert.Less(t, int64(full)-int64(base), int64(2*live+retainedBound), "heap with live data")
}

// settledHeap is the live heap once it is within bound of base, or after 30 s: snapshots are
// encoded and written off the member's loop (a snapshot that drops deleted values, and the log
// compaction that comes with it, may still be on its way when the last write is answered).
func settledHeap(base, bound uint64) uint64 {
	heap := liveHeap()
	for deadline := time.Now().Add(30 * time.Second); heap-min(heap, base) >= bound && time.Now().Before(deadline); {
		time.Sleep(50 * time.Millisecond)
		heap = liveHeap()
	}
	return heap
}
