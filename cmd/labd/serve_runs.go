package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/raftlab/raftlab/internal/human"
	"github.com/raftlab/raftlab/reports"
)

// pastRun is a report directory found under the server's directory.
type pastRun struct {
	Name string
	// Kind is "story" (run.json), "sweep" (sweep.json) or "report" (an index.html only).
	Kind    string
	Summary string
	Passed  bool
	ModTime time.Time
}

// maxPastRuns bounds the listing of past runs, newest first.
const maxPastRuns = 200

// pastRuns lists the report directories directly under dir (those holding index.html), newest
// first. A missing dir has no runs.
func pastRuns(dir string) ([]pastRun, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", dir, err)
	}
	var out []pastRun
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		sub := filepath.Join(dir, e.Name())
		info, err := os.Stat(filepath.Join(sub, reports.IndexFile))
		if err != nil {
			continue
		}
		out = append(out, describeRun(sub, e.Name(), info.ModTime()))
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].ModTime.Equal(out[j].ModTime) {
			return out[i].ModTime.After(out[j].ModTime)
		}
		return out[i].Name < out[j].Name
	})
	if len(out) > maxPastRuns {
		out = out[:maxPastRuns]
	}
	return out, nil
}

// describeRun summarises one report directory from its run.json or sweep.json.
func describeRun(dir, name string, mod time.Time) pastRun {
	r := pastRun{Name: name, Kind: "report", ModTime: mod, Passed: true}
	if rec, err := readRecord(dir); err == nil {
		r.Kind, r.Passed = "story", rec.Verdict == verdictPass
		what := rec.Story
		if rec.Suite != "" {
			r.Kind, what = "suite seed", rec.Suite
		}
		r.Summary = fmt.Sprintf("%s, seed %d: %s, trace %s", what, rec.Seed, rec.Verdict, rec.TraceHash)
		if rec.Bug != "" {
			r.Summary += ", bug " + rec.Bug
		}
		return r
	}
	data, err := os.ReadFile(filepath.Join(dir, sweepFile))
	if err != nil {
		return r
	}
	var rec sweepRecord
	if json.Unmarshal(data, &rec) != nil {
		return r
	}
	r.Kind, r.Passed = "sweep", rec.Failed == 0
	r.Summary = fmt.Sprintf("%s, seeds %s: %d of %s failed", rec.Suite, rec.Seeds, rec.Failed, human.Count(rec.Runs, "run"))
	if rec.Bug != "" {
		r.Summary += ", bug " + rec.Bug
	}
	return r
}
