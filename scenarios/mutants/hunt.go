package mutants

import (
	"fmt"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/raftlab/raftlab/scenarios/suite"
)

// Suites returns every correct-code suite: the chaos suites and the bug-free controls of the
// known-bug suites (their nemeses, built to expose a bug, are as good at exposing others).
func Suites() []suite.Suite {
	var out []suite.Suite
	for _, s := range suite.List() {
		if s.KnownBug {
			s = s.Correct()
		}
		out = append(out, s)
	}
	return out
}

// HuntConfig bounds one search for a failure.
type HuntConfig struct {
	// Suites are searched side by side, each from seed 1 on, each given about the same share of the
	// wall time (a suite whose seeds cost less runs more of them).
	Suites []suite.Suite
	// Seeds is how many seeds (1..Seeds) of each suite at most.
	Seeds uint64
	// Budget bounds the wall time: no new seed starts after it.
	Budget time.Duration
	// Workers run seeds in parallel (default GOMAXPROCS).
	Workers int
}

// Finding is the first failure a hunt met.
type Finding struct {
	Suite string
	Seed  uint64
	// Problem is the first problem the run reported (or its panic).
	Problem string
	// After is the wall time from the start of the hunt to the end of the failing run.
	After time.Duration
}

// HuntResult is what a hunt did.
type HuntResult struct {
	// Found is the first failure, nil when every run passed.
	Found *Finding
	// Runs is how many seeds ran to the end; Elapsed the hunt's wall time.
	Runs    int
	Elapsed time.Duration
	// OutOfTime says the budget ended the hunt before every seed ran.
	OutOfTime bool
}

// job is one seed of one suite.
type job struct {
	s    *suite.Suite
	i    int // the suite's position in the config
	seed uint64
}

// schedule hands out the seeds of the suites so that each suite gets about the same wall time: the
// next seed goes to the suite with the least time spent, counting the runs in flight at the
// suite's mean run time so far.
type schedule struct {
	next     []uint64        // next seed of each suite
	spent    []time.Duration // wall time of each suite's finished runs
	done     []int           // finished runs of each suite
	inFlight []int
	seeds    uint64
}

func newSchedule(suites int, seeds uint64) *schedule {
	s := &schedule{next: make([]uint64, suites), spent: make([]time.Duration, suites), done: make([]int, suites),
		inFlight: make([]int, suites), seeds: seeds}
	for i := range s.next {
		s.next[i] = 1
	}
	return s
}

// firstRun is the cost assumed for a run of a suite none of whose runs has finished yet.
const firstRun = 50 * time.Millisecond

// pick returns the suite to run next and its seed; false when every suite ran all its seeds.
func (s *schedule) pick() (int, uint64, bool) {
	best, bestCost := -1, time.Duration(0)
	for i := range s.next {
		if s.next[i] > s.seeds {
			continue
		}
		mean := firstRun
		if s.done[i] > 0 {
			mean = s.spent[i] / time.Duration(s.done[i])
		}
		cost := s.spent[i] + time.Duration(s.inFlight[i])*mean
		if best < 0 || cost < bestCost {
			best, bestCost = i, cost
		}
	}
	if best < 0 {
		return 0, 0, false
	}
	seed := s.next[best]
	s.next[best]++
	s.inFlight[best]++
	return best, seed, true
}

// finished records that a run of suite i took d.
func (s *schedule) finished(i int, d time.Duration) {
	s.inFlight[i]--
	s.done[i]++
	s.spent[i] += d
}

// Hunt runs the suites' seeds until one fails, the seeds run out or the budget is spent.
func Hunt(cfg HuntConfig) HuntResult {
	workers := cfg.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	start := time.Now()
	deadline := start.Add(cfg.Budget)
	var (
		mu    sync.Mutex
		res   HuntResult
		wg    sync.WaitGroup
		jobs  = make(chan job)
		stop  = make(chan struct{})
		once  sync.Once
		abort = func() { once.Do(func() { close(stop) }) }
	)
	sched := newSchedule(len(cfg.Suites), cfg.Seeds)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				began := time.Now()
				problem := runOne(j)
				mu.Lock()
				sched.finished(j.i, time.Since(began))
				res.Runs++
				if problem != "" && res.Found == nil {
					res.Found = &Finding{Suite: j.s.Name, Seed: j.seed, Problem: problem, After: time.Since(start)}
					abort()
				}
				mu.Unlock()
			}
		}()
	}
	for {
		if time.Now().After(deadline) {
			mu.Lock()
			res.OutOfTime = true
			mu.Unlock()
			break
		}
		mu.Lock()
		i, seed, ok := sched.pick()
		mu.Unlock()
		if !ok {
			break
		}
		select {
		case jobs <- job{s: &cfg.Suites[i], i: i, seed: seed}:
			continue
		case <-stop:
		}
		break
	}
	close(jobs)
	wg.Wait()
	res.Elapsed = time.Since(start)
	return res
}

// runOne runs one seed and returns its first problem ("" when it passed). A panic of the simulated
// code, or a run that cannot start, is a failure too.
func runOne(j job) (problem string) {
	defer func() {
		if p := recover(); p != nil {
			problem = fmt.Sprintf("panic: %v", p)
		}
	}()
	sum, err := j.s.Run(j.seed)
	switch {
	case err != nil:
		return "run: " + err.Error()
	case sum.Passed:
		return ""
	case len(sum.Problems) > 0:
		return firstLine(sum.Problems[0])
	}
	return "failed"
}

// firstLine is the first line of s, at most 300 bytes.
func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}
