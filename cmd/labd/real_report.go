package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/raftlab/raftlab/checker"
	"github.com/raftlab/raftlab/checker/history"
	"github.com/raftlab/raftlab/cmd/labd/internal/realcluster"
	"github.com/raftlab/raftlab/reports"
)

// realSampleEvery is how often the sampler records every member's role, term and commit index.
const realSampleEvery = 100 * time.Millisecond

// realSampler records the members' roles, terms and commit indexes for the report's timeline
// while the story runs.
type realSampler struct {
	mu      sync.Mutex
	samples []reports.Sample
	stop    chan struct{}
	done    chan struct{}
}

// startSampler samples c's members (in the order of names) every realSampleEvery.
func startSampler(c *realcluster.Cluster, names []string, start time.Time) *realSampler {
	s := &realSampler{stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(s.done)
		tick := time.NewTicker(realSampleEvery)
		defer tick.Stop()
		for {
			s.sample(c, names, start)
			select {
			case <-s.stop:
				return
			case <-tick.C:
			}
		}
	}()
	return s
}

// sample records one observation of every member.
func (s *realSampler) sample(c *realcluster.Cluster, names []string, start time.Time) {
	for i, name := range names {
		smp := reports.Sample{Node: uint64(i + 1), Role: reports.RoleDown}
		switch c.State(name) {
		case realcluster.StatePaused:
			smp.Role = reports.RolePaused
		case realcluster.StateRunning:
			st, err := c.Status(name)
			if err != nil {
				continue // no answer: keep the previous sample
			}
			smp.Role, smp.Term, smp.Commit = st.Role, st.Term, st.Commit
		}
		smp.At = int64(time.Since(start))
		s.mu.Lock()
		s.samples = append(s.samples, smp)
		s.mu.Unlock()
	}
}

// finish stops sampling and returns the samples.
func (s *realSampler) finish() []reports.Sample {
	close(s.stop)
	<-s.done
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]reports.Sample(nil), s.samples...)
}

// reportRun is the report of a finished real run.
func (x *realExecutor) reportRun(samples []reports.Sample, replay string) reports.Run {
	end := x.now()
	rr := reports.Run{
		Title:         fmt.Sprintf("%s (real kvd processes)", x.st.Title),
		Story:         string(x.src.Text),
		Seed:          int64(x.st.Seed),
		TraceHash:     "none: a real run is not reproducible bit for bit",
		ReplayCommand: replay,
		Samples:       samples,
		Steps:         x.steps,
		Narrative:     x.narrative,
		Assertions:    x.assertions,
		Server:        "kvd (real processes)",
		WallTime:      true,
		NoLogs:        true,
	}
	for i, n := range x.st.Nodes {
		rr.Nodes = append(rr.Nodes, reports.NodeInfo{ID: uint64(i + 1), Name: n})
	}
	for _, f := range x.faults {
		w := f.window
		if w.End < 0 {
			w.End = end
		}
		rr.Faults = append(rr.Faults, w)
	}
	for _, op := range x.historyCopy() {
		rr.Ops = append(rr.Ops, reports.OpPoint{Client: op.Client, Kind: string(op.Kind), Call: op.Call,
			Return: op.Return, Outcome: string(op.Outcome)})
	}
	if x.verdict != nil {
		rr.Verdict = reportVerdict(*x.verdict)
	}
	return rr
}

// writeRealReport writes the report, the history and the story text into dir.
func writeRealReport(dir string, rr reports.Run, hist []history.Op, storyText []byte) (reports.Files, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return reports.Files{}, fmt.Errorf("create report dir: %w", err)
	}
	if !rr.Verdict.Linearizable {
		v := checker.Check(hist, checker.Options{VisualizeDir: dir, Timeout: visualizeTimeout})
		if v.VisualizationPath != "" {
			rr.Verdict.VisualizationFile = checker.VisualizationFile
		}
	}
	files, err := reports.Write(dir, rr)
	if err != nil {
		return reports.Files{}, fmt.Errorf("write report: %w", err)
	}
	if err := writeJSONLines(filepath.Join(dir, historyFile), func(w io.Writer) error {
		return history.WriteHistory(w, hist)
	}); err != nil {
		return files, err
	}
	if err := os.WriteFile(filepath.Join(dir, storyCopy), storyText, 0o644); err != nil {
		return files, fmt.Errorf("write story copy: %w", err)
	}
	return files, nil
}

// skippedSummary lists the skipped statements for the end of the narrative.
func skippedSummary(skipped []string) string {
	if len(skipped) == 0 {
		return "skipped: nothing"
	}
	return fmt.Sprintf("skipped (%d, not possible on real processes):\n  %s", len(skipped), strings.Join(skipped, "\n  "))
}
