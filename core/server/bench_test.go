package server

import (
	"context"
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/raftlab/raftlab/core/node"
	"github.com/raftlab/raftlab/core/store"
	"github.com/stretchr/testify/require"
)

// BenchmarkSingleMemberWrites measures acknowledged writes through Do on a one-member cluster with
// real fsyncs, and how many writes share one fsync (group commit) under parallel clients.
func BenchmarkSingleMemberWrites(b *testing.B) {
	c := newTestCluster(b, 1)
	c.leader()
	s := c.servers[0]
	syncs0 := s.walSyncs.Load()
	var n atomic.Uint64
	b.SetParallelism(16)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := n.Add(1)
			rep, err := s.Do(context.Background(), node.Request{Kind: node.KindWrite,
				Write: store.Request{Op: store.OpSet, Key: "/bench/" + strconv.FormatUint(i%1024, 10), Value: "v"}})
			if err != nil || rep.Err != nil {
				b.Errorf("write: %v %v", err, rep.Err)
				return
			}
		}
	})
	b.StopTimer()
	syncs := s.walSyncs.Load() - syncs0
	require.NotZero(b, syncs)
	b.ReportMetric(float64(b.N)/float64(syncs), "writes/fsync")
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "writes/s")
}
