package main

import (
	"fmt"
	"runtime"
	"sync"
	"time"

	"github.com/raftlab/raftlab/scenarios/suite"
)

// seedOutcome is one seed of a sweep: its summary, or the error that kept it from running.
type seedOutcome struct {
	Seed    uint64
	Summary *suite.Summary
	Err     error
	// Wall is the wall time the seed took (with its report), shared cores included.
	Wall time.Duration
}

// failed says whether the seed found a problem or could not run.
func (o seedOutcome) failed() bool { return o.Err != nil || o.Summary == nil || !o.Summary.Passed }

// problems lists what went wrong with the seed.
func (o seedOutcome) problems() []string {
	if o.Err != nil {
		return []string{"error: " + o.Err.Error()}
	}
	if o.Summary == nil {
		return []string{"error: no summary"}
	}
	return o.Summary.Problems
}

// sweepSeeds runs every seed of seeds with run on workers goroutines (each run single-threaded
// and deterministic) and returns the outcomes in seed order. onDone is called from the calling
// goroutine after each seed finishes, with the counts so far.
func sweepSeeds(seeds seedRange, workers int, run func(seed uint64) (*suite.Summary, error),
	onDone func(done, failed int)) []seedOutcome {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	if workers > seeds.Len() {
		workers = seeds.Len()
	}
	jobs := make(chan uint64)
	results := make(chan seedOutcome)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for seed := range jobs {
				results <- runSeedSafely(seed, run)
			}
		}()
	}
	go func() {
		for seed := seeds.From; ; seed++ {
			jobs <- seed
			if seed == seeds.To {
				break
			}
		}
		close(jobs)
		wg.Wait()
		close(results)
	}()
	out := make([]seedOutcome, seeds.Len())
	done, failed := 0, 0
	for r := range results {
		out[r.Seed-seeds.From] = r
		done++
		if r.failed() {
			failed++
		}
		if onDone != nil {
			onDone(done, failed)
		}
	}
	return out
}

// runSeedSafely runs one seed, turning a panic in the simulated code into a failed seed so that
// one bad seed does not take the sweep (and every other result) down with it.
func runSeedSafely(seed uint64, run func(uint64) (*suite.Summary, error)) (out seedOutcome) {
	out.Seed = seed
	start := time.Now()
	defer func() {
		if p := recover(); p != nil {
			out.Summary, out.Err = nil, fmt.Errorf("panic: %v", p)
		}
		out.Wall = time.Since(start)
	}()
	out.Summary, out.Err = run(seed)
	return out
}
