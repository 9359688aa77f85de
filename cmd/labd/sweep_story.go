package main

import (
	"github.com/raftlab/raftlab/checker/history"
	"github.com/raftlab/raftlab/reports"
	"github.com/raftlab/raftlab/scenarios/suite"
)

// storyRunner runs the plan's story with one seed: a failed expectation fails the seed, and the
// seed's report is the story's own report (which `labd replay DIR` reruns).
func (p sweepPlan) storyRunner() seedRunner {
	return func(seed uint64) (*suite.Summary, func(string) error, error) {
		job := storyJob{Source: *p.Story, Seed: &seed, Bug: p.Bug,
			Parent: reports.Link{Text: p.title(), Href: "../" + reports.IndexFile}}
		res, err := job.execute(nil)
		if err != nil {
			return nil, nil, err
		}
		sum := &suite.Summary{Suite: p.Story.Name, Seed: res.Seed, Passed: res.Passed, Problems: res.Failures,
			Verdict: res.Verdict, Monitor: res.Monitor, Ops: clientOps(res.History), TraceHash: res.TraceHash,
			VirtualTime: res.VirtualTime, Replay: job.replayCommand(res.Seed), History: res.History, Samples: res.Samples}
		return sum, func(dir string) error {
			_, err := writeStoryReport(dir, job, res)
			return err
		}, nil
	}
}

// clientOps counts the client operations of a history (the cluster's expiry records left out).
func clientOps(ops []history.Op) int {
	n := 0
	for _, op := range ops {
		if !op.Kind.IsExpiry() {
			n++
		}
	}
	return n
}
