package main

import (
	"context"
	"runtime/debug"
	"runtime/metrics"
	"time"
)

// kvd's live heap is small next to what a server has to spare (the key space, the recent log, the
// request buffers), and with Go's default GOGC of 100 it collects every time the heap doubles: on
// a busy member, thousands of collections a minute for a few megabytes of garbage each. So while
// the live heap is small, kvd lets the heap grow by gcHeadroom between collections instead, and
// from live heaps of gcHeadroom up it behaves as Go's default does. GOGC in the environment
// turns the tuning off.

// gcHeadroom is the least growth of the heap between two collections. At 64 MiB a member taking
// 20,000 writes a second (3 KB of garbage each) collected about once a second, and each collection
// showed in the tail of the writes in flight; 128 MiB halves that for about 40 MB more at peak.
const gcHeadroom = 128 << 20

// maxGCPercent caps the tuned GOGC (a nearly empty heap would otherwise ask for thousands).
const maxGCPercent = 1000

// gcPercentFor is the GOGC that lets a live heap of live bytes grow by at least gcHeadroom, and
// never less than Go's default 100.
func gcPercentFor(live uint64) int {
	if live == 0 {
		return maxGCPercent
	}
	p := gcHeadroom * 100 / live
	return int(min(max(p, 100), maxGCPercent))
}

// gcTuneEvery is how often the live heap is read.
const gcTuneEvery = time.Second

// tuneGC sets GOGC from the live heap every gcTuneEvery until ctx ends, unless GOGC is set.
func tuneGC(ctx context.Context, getenv func(string) (string, bool)) {
	if _, set := getenv("GOGC"); set {
		return
	}
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	last := -1
	tick := time.NewTicker(gcTuneEvery)
	defer tick.Stop()
	for {
		metrics.Read(sample)
		var live uint64
		if sample[0].Value.Kind() == metrics.KindUint64 {
			live = sample[0].Value.Uint64()
		}
		if p := gcPercentFor(live); p != last {
			debug.SetGCPercent(p)
			last = p
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}
