package scenarios

import (
	"testing"

	"github.com/raftlab/raftlab/checker"
	"github.com/raftlab/raftlab/checker/history"
	"github.com/raftlab/raftlab/nemesis"
	"github.com/raftlab/raftlab/netsim"
	"github.com/raftlab/raftlab/netsim/nodehost"

	"github.com/raftlab/raftlab/scenarios/run"
	"github.com/raftlab/raftlab/scenarios/story"
	"github.com/raftlab/raftlab/scenarios/suite"
)

// BenchmarkStoryMuchWowCool runs the talk's story end to end (parse excluded).
func BenchmarkStoryMuchWowCool(b *testing.B) {
	st, err := story.ParseFile("stories/much-wow-cool.story")
	if err != nil {
		b.Fatal(err)
	}
	var virtual int64
	for b.Loop() {
		res, err := run.Run(st, run.Options{})
		if err != nil || !res.Passed {
			b.Fatalf("story failed: %v %v", err, res.Failures)
		}
		virtual += res.VirtualTime
	}
	b.ReportMetric(float64(virtual)/1e9/b.Elapsed().Seconds(), "virtual-s/s")
}

// BenchmarkSuiteSeed runs one seed of a correct-code chaos suite with all its checks.
func BenchmarkSuiteSeed(b *testing.B) {
	s, err := suite.Lookup("keys-crashes")
	if err != nil {
		b.Fatal(err)
	}
	var ops int
	seed := uint64(0)
	for b.Loop() {
		seed++
		sum, err := s.Run(seed%10 + 1)
		if err != nil {
			b.Fatal(err)
		}
		ops += sum.Ops
	}
	b.ReportMetric(float64(ops)/float64(b.N), "ops/run")
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "runs/s")
}

// BenchmarkChaosStandardSeed runs one seed of issue 8's standard chaos workload (chaos-standard: 5
// nodes, 10 clients, an op every 100 ms, partitions and crashes, 30 virtual seconds) with every check,
// as one seed of `labd sweep chaos-standard` does. seeds/min-per-core projects a sweep's speed.
func BenchmarkChaosStandardSeed(b *testing.B) {
	s, err := suite.Lookup("chaos-standard")
	if err != nil {
		b.Fatal(err)
	}
	var ops int
	var virtual int64
	seed := uint64(0)
	for b.Loop() {
		seed++
		sum, err := s.Run(seed)
		if err != nil {
			b.Fatal(err)
		}
		if !sum.Passed {
			b.Fatalf("seed %d failed: %v", seed, sum.Problems)
		}
		ops += sum.Ops
		virtual += sum.VirtualTime
	}
	b.ReportMetric(float64(ops)/float64(b.N), "ops/run")
	b.ReportMetric(float64(virtual)/1e9/b.Elapsed().Seconds(), "virtual-s/s")
	b.ReportMetric(60*float64(b.N)/b.Elapsed().Seconds(), "seeds/min")
}

// chaosHistory runs the standard chaos workload (as chaos-standard, seed 1) for as long as it takes
// to record at least n operations, and returns the history.
func chaosHistory(b *testing.B, n int) []history.Op {
	b.Helper()
	const opsPerVirtualSecond = 100             // 10 clients, an op every 100 ms each
	d := int64(n/opsPerVirtualSecond*3/2) * 1e9 // faults cost some ops: run half as long again
	cfg := netsim.Config{Seed: 1, Nodes: 5,
		Clients: netsim.ClientConfig{Count: 10, Workload: netsim.KeysWorkload(10), Random: true, Interval: 100e6, Stop: d}}
	sim, err := netsim.New(nodehost.Configure(cfg, nodehost.Options{}))
	if err != nil {
		b.Fatal(err)
	}
	nemesis.Schedule(sim, nemesis.Generate(1, nemesis.Mix{Nodes: 5, Partitions: 1, Crashes: 1}, d), nil)
	sim.Run(d + 5e9)
	ops := sim.History()
	if len(ops) < n {
		b.Fatalf("recorded %d ops, want %d", len(ops), n)
	}
	return ops[:n]
}

// BenchmarkCheckChaos100k checks a 100,000-operation history of the standard chaos workload (one
// long run: 10 keys, partitions and crashes, thousands of unknown outcomes) with everything Check
// does: porcupine per key, the index pass and the local-read checks.
func BenchmarkCheckChaos100k(b *testing.B) {
	ops := chaosHistory(b, 100_000)
	b.ReportAllocs()
	var unknown int
	for b.Loop() {
		v := checker.Check(ops, checker.Options{})
		if !v.Linearizable {
			b.Fatalf("not linearizable: %v", v.Problems)
		}
		unknown = v.Unknown
	}
	b.ReportMetric(float64(unknown), "unknown-ops")
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/check")
}
