package nodehost

import (
	"runtime/debug"
	"syscall"
	"testing"
	"time"

	"github.com/raftlab/raftlab/nemesis"
	"github.com/raftlab/raftlab/netsim"
)

// processCPU is the CPU time this process has used (user and system). On a machine shared with
// other work, virtual seconds per CPU second is the simulator's speed on one core; per wall
// second depends on what else runs.
func processCPU(b *testing.B) time.Duration {
	b.Helper()
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkChaosWorkload is one seed of the standard chaos workload: 5 nodes, 10 clients
// each issuing an operation every 100ms of virtual time on average, the default fault mix
// (partitions, crashes, pauses, link, disk and clock faults), history recorded, 30 virtual
// seconds (one seed of a `labd sweep`). Besides virtual-s/wall-s it reports virtual-s/cpu-s
// (speed on one core, insensitive to other load) and sweep-1000-s: the projected wall time of
// 1,000 such seeds on two cores at this speed.
//
// It runs twice: with Go's default collector (gc=default), and with the collector labd runs with
// (gc=labd: no percentage trigger, a 256 MiB heap budget, as cmd/labd/gc.go sets it).
func BenchmarkChaosWorkload(b *testing.B) {
	b.Run("gc=default", benchmarkChaosWorkload)
	b.Run("gc=labd", func(b *testing.B) {
		percent, limit := debug.SetGCPercent(-1), debug.SetMemoryLimit(256<<20)
		defer func() {
			debug.SetGCPercent(percent)
			debug.SetMemoryLimit(limit)
		}()
		benchmarkChaosWorkload(b)
	})
}

func benchmarkChaosWorkload(b *testing.B) {
	const d = 30 * second
	var virtual int64
	var ops int
	cpuBefore := processCPU(b)
	for i := 0; b.Loop(); i++ {
		s, _, _ := chaosRun(b, uint64(i+1), d, nemesis.DefaultMix(), netsim.KeysWorkload(10), false)
		virtual += d
		ops += len(s.History())
	}
	cpu := (processCPU(b) - cpuBefore).Seconds()
	wall := b.Elapsed().Seconds()
	b.ReportMetric(float64(virtual)/1e9/wall, "virtual-s/wall-s")
	b.ReportMetric(float64(virtual)/1e9/cpu, "virtual-s/cpu-s")
	b.ReportMetric(float64(ops)/float64(b.N), "ops/seed")
	b.ReportMetric(1000*cpu/float64(b.N)/2, "sweep-1000-s")
}
