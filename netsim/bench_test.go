package netsim

import (
	"testing"
	"time"
)

// BenchmarkEngine measures the engine alone (fake processes that only heartbeat, no disk work):
// events and virtual seconds per wall second for 5 nodes ticking every 10ms over lossy links.
func BenchmarkEngine(b *testing.B) {
	const d = 10e9
	var virtual int64
	var steps uint64
	start := time.Now()
	for i := 0; b.Loop(); i++ {
		cfg := fakeConfig(uint64(i+1), 5)
		cfg.TickInterval = 10 * ms
		cfg.Link = LinkConfig{Latency: Latency{Min: ms, Spread: 2 * ms}, Loss: 0.05, Reorder: 0.1, ReorderDelay: 10 * ms}
		s := newFakeSim(b, cfg)
		s.Run(d)
		virtual += d
		steps += s.Steps()
	}
	wall := time.Since(start).Seconds()
	b.ReportMetric(float64(steps)/wall, "events/wall-s")
	b.ReportMetric(float64(virtual)/1e9/wall, "virtual-s/wall-s")
}
