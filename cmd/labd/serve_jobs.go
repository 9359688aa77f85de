package main

import (
	"path/filepath"
	"sort"
	"sync"
	"time"

	"github.com/raftlab/raftlab/internal/human"
)

// Job states shown on the page.
const (
	jobRunning = "running"
	jobPassed  = "passed"
	jobFailed  = "failed"
	jobError   = "error"
)

// serveJob is one story run started from the web page.
type serveJob struct {
	// Name is the report directory's name under the server's directory (the job's identity).
	Name    string
	Story   string
	Seed    uint64
	Bug     string
	State   string
	Detail  string
	Started time.Time
}

// jobBoard tracks the runs started from the page; it is safe for concurrent use.
type jobBoard struct {
	mu   sync.Mutex
	jobs map[string]*serveJob
	wg   sync.WaitGroup
	// run runs one job into its report directory and returns its final state and detail.
	run func(reportDir string, job storyJob) (string, string)
}

func newJobBoard() *jobBoard { return &jobBoard{jobs: make(map[string]*serveJob), run: runForPage} }

// start runs job in a goroutine, writing its report into dir/NAME, unless a run of the same report
// directory is already going. It returns the job's name and whether it started a new run.
func (b *jobBoard) start(dir string, job storyJob, seed uint64, now time.Time) (string, bool) {
	name := filepath.Base(job.defaultReportDir(dir, seed))
	b.mu.Lock()
	if j, ok := b.jobs[name]; ok && j.State == jobRunning {
		b.mu.Unlock()
		return name, false
	}
	b.jobs[name] = &serveJob{Name: name, Story: job.Source.Name, Seed: seed, Bug: job.Bug, State: jobRunning,
		Started: now}
	b.wg.Add(1)
	b.mu.Unlock()
	go func() {
		defer b.wg.Done()
		state, detail := b.run(filepath.Join(dir, name), job)
		b.mu.Lock()
		defer b.mu.Unlock()
		b.jobs[name].State, b.jobs[name].Detail = state, detail
	}()
	return name, true
}

// runForPage runs a story and writes its report, returning the job's final state.
func runForPage(reportDir string, job storyJob) (string, string) {
	res, err := job.execute(nil)
	if err != nil {
		return jobError, err.Error()
	}
	if _, err := writeStoryReport(reportDir, job, res); err != nil {
		return jobError, err.Error()
	}
	if !res.Passed {
		return jobFailed, human.Count(len(res.Failures), "failure")
	}
	return jobPassed, "trace " + formatHash(res.TraceHash)
}

// list returns a copy of every job, newest first.
func (b *jobBoard) list() []serveJob {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := make([]serveJob, 0, len(b.jobs))
	for _, j := range b.jobs {
		out = append(out, *j)
	}
	sort.Slice(out, func(i, k int) bool {
		if !out[i].Started.Equal(out[k].Started) {
			return out[i].Started.After(out[k].Started)
		}
		return out[i].Name < out[k].Name
	})
	return out
}

// get returns the job called name.
func (b *jobBoard) get(name string) (serveJob, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	j, ok := b.jobs[name]
	if !ok {
		return serveJob{}, false
	}
	return *j, true
}

// wait blocks until every started job has finished.
func (b *jobBoard) wait() { b.wg.Wait() }
