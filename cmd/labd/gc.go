package main

import (
	"math"
	"os"
	"runtime/debug"
	"runtime/metrics"
)

// The lab is CPU-bound batch work with a small live heap (a chaos-standard seed holds a few MB), and
// it allocates fast. With the default collector (or even GOGC=400) it collects about once per seed,
// and on a single core a collection's mark phase lasts milliseconds, during which every pointer write
// pays a write barrier: some 10-25% of a sweep's CPU. labd instead collects only when the heap
// reaches a memory budget: 256 MiB, or four times the live heap after a run if that is more (a long
// story's logs and histories). A 1,000-seed sweep then collects a handful of times in all.

// minGCBudget is the smallest heap labd lets grow before it collects.
const minGCBudget = 256 << 20

// tuneGC switches to the memory-budget collector unless the user chose GOGC or GOMEMLIMIT.
func tuneGC() {
	if userTunedGC() {
		return
	}
	debug.SetGCPercent(-1)
	debug.SetMemoryLimit(minGCBudget)
}

// userTunedGC reports whether the environment sets the collector.
func userTunedGC() bool {
	return os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != ""
}

// growGCBudget raises the memory budget after a run when the live heap has grown to more than a
// quarter of it, so that a large live heap never makes the collector run back to back. It does
// nothing unless tuneGC set the budget.
func growGCBudget() {
	current := debug.SetMemoryLimit(-1) // reads the budget without changing it
	if userTunedGC() || current == math.MaxInt64 {
		return
	}
	if want := gcBudgetFor(liveHeap(), current); want != current {
		debug.SetMemoryLimit(want)
	}
}

// gcBudgetFor is the budget for a live heap of live bytes under the current budget: at least four
// times the live heap, never less than before.
func gcBudgetFor(live, current int64) int64 {
	return max(current, 4*live, minGCBudget)
}

// liveHeap is the heap the last collection found live, in bytes.
func liveHeap() int64 {
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(sample)
	if sample[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return int64(sample[0].Value.Uint64())
}
