package main

import (
	"context"
	"path/filepath"
	"sort"
	"strconv"
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

// Kinds of job the page starts.
const (
	kindStory = "story"
	kindSweep = "sweep"
)

// serveJob is one story run or sweep started from the web page.
type serveJob struct {
	// Name is the report directory's name under the server's directory (the job's identity).
	Name    string
	Kind    string
	State   string
	Detail  string
	Started time.Time
	// Done and Total count a sweep's seeds as it goes.
	Done, Total int
}

// jobWork does a job: it writes the job's report and returns its final state and detail, telling
// progress how far it got on the way.
type jobWork func(progress func(done, total int)) (state, detail string)

// jobBoard tracks the jobs started from the page; it is safe for concurrent use.
type jobBoard struct {
	mu   sync.Mutex
	jobs map[string]*serveJob
	// done is closed when the job of the same name ends.
	done map[string]chan struct{}
	wg   sync.WaitGroup
}

func newJobBoard() *jobBoard {
	return &jobBoard{jobs: make(map[string]*serveJob), done: make(map[string]chan struct{})}
}

// start runs work in a goroutine as the job called name, unless a job of that name (the same report
// directory) is running. It returns whether it started a new job.
func (b *jobBoard) start(name, kind string, now time.Time, work jobWork) bool {
	b.mu.Lock()
	if j, ok := b.jobs[name]; ok && j.State == jobRunning {
		b.mu.Unlock()
		return false
	}
	b.jobs[name] = &serveJob{Name: name, Kind: kind, State: jobRunning, Started: now}
	done := make(chan struct{})
	b.done[name] = done
	b.wg.Add(1)
	b.mu.Unlock()
	go func() {
		defer b.wg.Done()
		state, detail := work(func(done, total int) {
			b.mu.Lock()
			defer b.mu.Unlock()
			b.jobs[name].Done, b.jobs[name].Total = done, total
		})
		b.mu.Lock()
		defer b.mu.Unlock()
		b.jobs[name].State, b.jobs[name].Detail = state, detail
		close(done)
	}()
	return true
}

// await waits until the job called name ends, ctx ends or hold passes, and returns the job as it
// then is.
func (b *jobBoard) await(ctx context.Context, name string, hold time.Duration) (serveJob, bool) {
	b.mu.Lock()
	done := b.done[name]
	b.mu.Unlock()
	if done != nil {
		timer := time.NewTimer(hold)
		defer timer.Stop()
		select {
		case <-done:
		case <-timer.C:
		case <-ctx.Done():
		}
	}
	return b.get(name)
}

// storyWork runs a story and writes its report into reportDir.
func storyWork(reportDir string, job storyJob) jobWork {
	return func(func(done, total int)) (string, string) {
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
}

// sweepWork runs a sweep and writes its page, sweep.json and the failed seeds' reports.
func sweepWork(job sweepJob) jobWork {
	return func(progress func(done, total int)) (string, string) {
		total := job.Share.Seeds.Len()
		job.Progress = func(done, _ int) { progress(done, total) }
		rec, _, err := job.run()
		if err != nil {
			return jobError, err.Error()
		}
		detail := sweepSummary(rec)
		if sweepExit(rec) != exitOK {
			return jobFailed, detail
		}
		return jobPassed, detail
	}
}

// sweepSummary is a sweep's outcome in a few words: "200 of 200 seeds passed", "known bug found
// in 3 of 10 seeds".
func sweepSummary(rec sweepRecord) string {
	if rec.KnownBug {
		return "known bug found in " + strconv.Itoa(rec.Failed) + " of " + human.Count(rec.Runs, "seed")
	}
	return strconv.Itoa(rec.Passed) + " of " + human.Count(rec.Runs, "seed") + " passed"
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

// jobName is the job's name: its report directory's name under dir.
func jobName(reportDir string) string { return filepath.Base(reportDir) }
