package main

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/raftlab/raftlab/reports"
	"github.com/raftlab/raftlab/scenarios/suite"
)

// Which seeds of a sweep get a report of their own (--reports).
const (
	reportsAuto   = "auto" // every seed for sweeps of at most autoReportLimit seeds, else failed ones
	reportsAll    = "all"
	reportsFailed = "failed"
	reportsNone   = "none"
)

// autoReportLimit bounds how many per-seed reports "auto" writes (about 0.1 s each).
const autoReportLimit = 200

// seedReportDir is where a seed's report goes, relative to the sweep page.
func seedReportDir(seed uint64) string { return fmt.Sprintf("seed-%d", seed) }

// wantsReport says whether the policy writes a report for a run that passed or not.
func wantsReport(policy string, seeds int, passed bool) bool {
	switch policy {
	case reportsAll:
		return true
	case reportsFailed:
		return !passed
	case reportsNone:
		return false
	}
	return seeds <= autoReportLimit || !passed
}

// withSeedReports wraps a suite run so that each seed, once run, writes its report under dir (per
// the policy) and drops its history and samples, which a large sweep cannot keep in memory.
func withSeedReports(dir, policy string, plan sweepPlan, run func(uint64) (*suite.Summary, error)) func(uint64) (*suite.Summary, error) {
	return func(seed uint64) (*suite.Summary, error) {
		sum, err := run(seed)
		if err != nil || sum == nil {
			return sum, err
		}
		if wantsReport(policy, plan.Seeds.Len(), sum.Passed) {
			if _, werr := reports.Write(filepath.Join(dir, seedReportDir(seed)), seedReport(plan, sum)); werr != nil {
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
	verdict.Linearizable = sum.Passed
	verdict.Problems = sum.Problems
	if !sum.Passed {
		verdict.Summary = fmt.Sprintf("FAILED: %s; %s", plural(len(sum.Problems), "problem"), verdict.Summary)
	}
	var narrative []string
	for _, line := range strings.Split(sum.Faults, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			narrative = append(narrative, line)
		}
	}
	narrative = append(narrative, sum.Notes...)
	return reports.Run{
		Title:         fmt.Sprintf("%s, seed %d", plan.title(), sum.Seed),
		Story:         plan.Suite.Name,
		Seed:          int64(sum.Seed),
		TraceHash:     formatHash(sum.TraceHash),
		ReplayCommand: plan.replayCommand(sum.Seed),
		Nodes:         nodes,
		Samples:       reportSamples(sum.Samples),
		Ops:           reportOps(sum.History),
		Narrative:     narrative,
		Verdict:       verdict,
	}
}
