package raft

import (
	"testing"
)

// BenchmarkProposalsCommitted measures proposals committed per second through a 3-node in-memory
// cluster with no I/O: propose on the leader, persist into MemoryStorage, deliver every message,
// apply. Proposals are batched the way a busy host batches them: a group of proposals per round.
func BenchmarkProposalsCommitted(b *testing.B) {
	for _, batch := range []int{1, 64} {
		b.Run(map[int]string{1: "batch=1", 64: "batch=64"}[batch], func(b *testing.B) {
			nw := newNetwork(b, 3)
			nw.noTrace = true
			nw.campaign(1)
			data := make([]byte, 64)
			lead := nw.nodes[1]
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; {
				for j := 0; j < batch && i < b.N; j++ {
					if err := lead.Propose(data); err != nil {
						b.Fatal(err)
					}
					i++
				}
				nw.stabilize()
				if len(nw.applied[1]) > 4096 { // keep the recorder and the logs small
					nw.applied = map[uint64][]Entry{}
					for _, id := range nw.ids {
						nw.compact(id, "")
					}
				}
			}
			b.StopTimer()
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "proposals/s")
		})
	}
}
