package scenarios

import (
	"testing"

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
