package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/raftlab/raftlab/checker"
	"github.com/raftlab/raftlab/checker/history"
	"github.com/raftlab/raftlab/internal/human"
	"github.com/raftlab/raftlab/reports"
	"github.com/raftlab/raftlab/scenarios/suite"
)

// Which seeds of a sweep get a report of their own (--reports). A report with its figures is about
// 0.6 MB: a sweep keeps them for the seeds that failed, which are the ones to look at; a passing
// seed is one line of sweep.json and of the sweep page, with the command that replays it.
const (
	reportsFailed = "failed"
	reportsAll    = "all"
	reportsNone   = "none"
)

// seedReportDir is where a seed's report goes, relative to the sweep page.
func seedReportDir(seed uint64) string { return fmt.Sprintf("seed-%d", seed) }

// wantsReport says whether the policy writes a report for a run that passed or not.
func wantsReport(policy string, passed bool) bool {
	switch policy {
	case reportsAll:
		return true
	case reportsNone:
		return false
	}
	return !passed
}

// seedRunner runs one seed and returns its summary and how to write its report into a directory.
type seedRunner func(seed uint64) (*suite.Summary, func(dir string) error, error)

// runner is how the plan runs one seed.
func (p sweepPlan) runner() seedRunner {
	if p.Story != nil {
		return p.storyRunner()
	}
	return func(seed uint64) (*suite.Summary, func(string) error, error) {
		sum, err := p.Suite.Run(seed)
		if err != nil {
			return nil, nil, err
		}
		return sum, func(dir string) error { return writeSuiteSeedReport(dir, p, sum) }, nil
	}
}

// withSeedReports wraps a run so that each seed, once run, writes its report under dir (per the
// policy) and drops its history and samples, which a large sweep cannot keep in memory.
func withSeedReports(dir, policy string, plan sweepPlan, run seedRunner) func(uint64) (*suite.Summary, error) {
	return func(seed uint64) (*suite.Summary, error) {
		sum, write, err := run(seed)
		if err != nil || sum == nil {
			return sum, err
		}
		if wantsReport(policy, sum.Passed) {
			if werr := write(filepath.Join(dir, seedReportDir(seed))); werr != nil {
				sum.Notes = append(sum.Notes, "report: "+werr.Error())
			} else {
				sum.Notes = append(sum.Notes, reportWrittenNote)
			}
		}
		sum.History, sum.Samples = nil, nil
		return sum, nil
	}
}

// reportWrittenNote marks a summary whose seed report exists.
const reportWrittenNote = "report written"

func hasSeedReport(sum *suite.Summary) bool {
	return sum != nil && slices.Contains(sum.Notes, reportWrittenNote)
}

// writeSuiteSeedReport writes everything about one seed of a suite into dir: the report, the
// history (what its verdict was computed from, so `labd check` gives the same verdict), porcupine's
// visualisation when the seed failed, and run.json, which `labd replay DIR` reruns.
func writeSuiteSeedReport(dir string, plan sweepPlan, sum *suite.Summary) error {
	rr := seedReport(plan, sum)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("create report dir: %w", err)
	}
	if file, err := visualizeFailure(dir, sum.History, sum.Passed, sum.Verdict.Linearizable); err != nil {
		rr.Verdict.Notes = append(rr.Verdict.Notes, err.Error())
	} else {
		rr.Verdict.VisualizationFile = file
	}
	if _, err := reports.Write(dir, rr); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	if err := writeJSONLines(filepath.Join(dir, historyFile), func(w io.Writer) error {
		return history.WriteHistory(w, sum.History)
	}); err != nil {
		return err
	}
	rec := runRecord{Suite: plan.Suite.Name, Title: rr.Title, Seed: sum.Seed, Bug: plan.Bug,
		TraceHash: formatHash(sum.TraceHash), Verdict: verdictWord(sum.Passed), Linearizable: sum.Verdict.Linearizable,
		Failures: sum.Problems, Ops: sum.Ops, VirtualTime: sum.VirtualTime, Replay: rr.ReplayCommand}
	return writeRecord(dir, rec)
}

// visualizeFailure draws porcupine's visualisation of a run that failed or is not linearizable (as
// its verdict says) into dir: the keys that are not linearizable, or every key when the failure lies
// elsewhere. It returns
// the file's name relative to dir, "" when nothing was drawn.
func visualizeFailure(dir string, ops []history.Op, passed, linearizable bool) (string, error) {
	if passed && linearizable {
		return "", nil
	}
	v := checker.Check(ops, checker.Options{VisualizeDir: dir, VisualizeAlways: linearizable, Timeout: visualizeTimeout})
	if v.VisualizationPath == "" {
		return "", fmt.Errorf("no visualisation: %s", strings.Join(v.Problems, "; "))
	}
	return checker.VisualizationFile, nil
}

// seedReport turns one seed's summary into a report: timeline, commit index, latency and
// throughput, the verdict and every problem, the fault schedule and the replay command.
func seedReport(plan sweepPlan, sum *suite.Summary) reports.Run {
	var nodes []reports.NodeInfo
	seen := map[uint64]bool{}
	for _, s := range sum.Samples {
		if !seen[s.Node] {
			seen[s.Node] = true
			nodes = append(nodes, reports.NodeInfo{ID: s.Node, Name: fmt.Sprintf("n%d", s.Node)})
		}
	}
	slices.SortFunc(nodes, func(a, b reports.NodeInfo) int { return int(a.ID) - int(b.ID) })
	verdict := reportVerdict(sum.Verdict)
	verdict.Problems = sum.Problems
	var narrative []string
	for _, line := range strings.Split(sum.Faults, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			narrative = append(narrative, humanScheduleLine(line))
		}
	}
	narrative = append(narrative, sum.Notes...)
	return reports.Run{
		Title:         fmt.Sprintf("%s, seed %d", plan.title(), sum.Seed),
		Story:         plan.Suite.Name,
		Seed:          int64(sum.Seed),
		TraceHash:     formatHash(sum.TraceHash),
		ReplayCommand: plan.replayCommand(sum.Seed, sum.TraceHash),
		Nodes:         nodes,
		Samples:       reportSamples(sum.Samples),
		Ops:           reportOps(sum.History),
		Narrative:     narrative,
		Verdict:       verdict,
		Failed:        !sum.Passed,
		Parent:        reports.Link{Text: plan.title(), Href: "../" + reports.IndexFile},
	}
}

// humanScheduleLine rewrites a fault schedule's "at 1.159851606s: crash n3" as "at 1.160 s: crash
// n3"; any other line is returned as it is.
func humanScheduleLine(line string) string {
	rest, ok := strings.CutPrefix(line, "at ")
	if !ok {
		return line
	}
	when, what, ok := strings.Cut(rest, ": ")
	if !ok {
		return line
	}
	d, err := time.ParseDuration(when)
	if err != nil {
		return line
	}
	return "at " + human.Seconds(int64(d)) + ": " + what
}
