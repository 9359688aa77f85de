package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"text/tabwriter"
	"time"

	"github.com/raftlab/raftlab/cmd/labd/internal/progress"
	"github.com/raftlab/raftlab/internal/human"
	"github.com/raftlab/raftlab/reports"
)

// sweepFile is the sweep's machine-readable result, next to its index.html.
const sweepFile = "sweep.json"

// sweepFormat is the version of sweep.json's layout; `labd merge` refuses any other.
const sweepFormat = 2

// sweepRecord is sweep.json: a whole sweep (run on one machine, or merged from its shards) or one
// shard of it.
type sweepRecord struct {
	Format   int    `json:"format"`
	Suite    string `json:"suite,omitempty"`
	Story    string `json:"story,omitempty"`
	Bug      string `json:"bug,omitempty"`
	KnownBug bool   `json:"knownBug,omitempty"`
	// Seeds is the whole sweep's range, A..B, also in a shard's result.
	Seeds string `json:"seeds"`
	// Shard says which share of Seeds this result holds; nil for a whole sweep.
	Shard *shardRecord `json:"shard,omitempty"`
	// MergedShards are the shards a merged sweep was made of, in order.
	MergedShards []shardRecord `json:"mergedShards,omitempty"`
	Version      codeVersion   `json:"version"`
	Runs         int           `json:"runs"`
	Passed       int           `json:"passed"`
	Failed       int           `json:"failed"`
	OpsChecked   int           `json:"opsChecked"`
	VirtualNs    int64         `json:"virtualNs"`
	// WallNs is the sweep's wall time; a merged sweep's is the sum of its shards'.
	WallNs      int64    `json:"wallNs"`
	FailedSeeds []uint64 `json:"failedSeeds,omitempty"`
	// Marks counts the coverage marks of core the sweep hit (core/mark), every mark listed; a
	// merged sweep's are the sums of its shards'.
	Marks   map[string]uint64 `json:"marks"`
	Results []seedResult      `json:"results"`
}

// shardRecord is one shard of a sweep: which seeds it ran, where and how long.
type shardRecord struct {
	Index int `json:"index"`
	Count int `json:"count"`
	// Seeds is the share of the sweep's seeds the shard ran, A..B.
	Seeds  string `json:"seeds"`
	Host   string `json:"host,omitempty"`
	WallNs int64  `json:"wallNs"`
}

// spec is the shard's i/n.
func (s shardRecord) spec() shardSpec { return shardSpec{Index: s.Index, Count: s.Count} }

// seedResult is one seed's line in sweep.json. It is built in one place (newSeedResult) and merged
// whole, so a new field needs no other change to travel from a shard to the merged sweep.
type seedResult struct {
	Seed    uint64 `json:"seed"`
	Verdict string `json:"verdict"`
	// TraceHash identifies the run's schedule: the same seed of the same code gives the same hash.
	TraceHash  string `json:"traceHash,omitempty"`
	Ops        int    `json:"ops"`
	OpsChecked int    `json:"opsChecked"`
	VirtualNs  int64  `json:"virtualNs"`
	WallNs     int64  `json:"wallNs"`
	// Problems summarise a failure (every violation, failed expectation or error).
	Problems []string `json:"problems,omitempty"`
	Replay   string   `json:"replay,omitempty"`
	// Report is the seed's report directory, relative to the sweep's, when it has one.
	Report string `json:"report,omitempty"`
}

// passed says whether the seed passed.
func (r seedResult) passed() bool { return r.Verdict == verdictPass }

// newSeedResult turns one seed's outcome into its result.
func newSeedResult(plan sweepPlan, o seedOutcome) seedResult {
	r := seedResult{Seed: o.Seed, Verdict: verdictWord(!o.failed()), WallNs: int64(o.Wall)}
	if o.failed() {
		r.Problems = o.problems()
	}
	if s := o.Summary; s != nil {
		r.TraceHash = formatHash(s.TraceHash)
		r.Ops, r.OpsChecked, r.VirtualNs = s.Ops, s.Verdict.OpsChecked, s.VirtualTime
		r.Replay = plan.replayCommand(o.Seed, s.TraceHash)
	}
	if hasSeedReport(o.Summary) {
		r.Report = seedReportDir(o.Seed)
	}
	return r
}

// newSweepRecord is the result of a sweep (shard nil) or of one shard of it.
func newSweepRecord(plan sweepPlan, shard *shardRecord, version codeVersion, outcomes []seedOutcome, wall time.Duration) sweepRecord {
	rec := sweepRecord{Bug: plan.Bug, KnownBug: plan.knownBug(), Seeds: plan.Seeds.String(), Shard: shard,
		Version: version, WallNs: int64(wall), Marks: markCounts(sweepMarks(outcomes))}
	if plan.Story != nil {
		rec.Story = plan.Story.Name
	} else {
		rec.Suite = plan.Suite.Name
	}
	for _, o := range outcomes {
		rec.Results = append(rec.Results, newSeedResult(plan, o))
	}
	rec.count()
	return rec
}

// count sets the totals and the failed seeds from the results.
func (rec *sweepRecord) count() {
	rec.Runs, rec.Passed, rec.Failed, rec.OpsChecked, rec.VirtualNs, rec.FailedSeeds = 0, 0, 0, 0, 0, nil
	for _, r := range rec.Results {
		rec.Runs++
		if r.passed() {
			rec.Passed++
		} else {
			rec.Failed++
			rec.FailedSeeds = append(rec.FailedSeeds, r.Seed)
		}
		rec.OpsChecked += r.OpsChecked
		rec.VirtualNs += r.VirtualNs
	}
}

// name is the swept suite's or story's name.
func (rec sweepRecord) name() string {
	if rec.Story != "" {
		return rec.Story
	}
	return rec.Suite
}

// title names the sweep, or the shard, on its page and above its table.
func (rec sweepRecord) title() string {
	t := sweepTitle(rec.name(), rec.Seeds, rec.Bug)
	switch {
	case rec.Shard != nil:
		t += fmt.Sprintf(", shard %s (seeds %s)", rec.Shard.spec(), rec.Shard.Seeds)
	case len(rec.MergedShards) > 0:
		t += fmt.Sprintf(", merged from %d shards", len(rec.MergedShards))
	}
	return t
}

// sweepTitle is "sweep NAME, seeds A..B[, bug BUG]".
func sweepTitle(name, seeds, bug string) string {
	t := fmt.Sprintf("sweep %s, seeds %s", name, seeds)
	if bug != "" {
		t += ", bug " + bug
	}
	return t
}

// sweepExit is the sweep's exit code: a sweep of correct code succeeds when no seed failed; a
// known-bug sweep succeeds when some seed found the bug (and fails when none did).
func sweepExit(rec sweepRecord) int {
	if found := rec.Failed > 0; found != rec.KnownBug {
		return exitFailed
	}
	return exitOK
}

// printSweepTable prints the one-row summary table of a sweep; wall is the time it took here.
func printSweepTable(w io.Writer, rec sweepRecord, wall time.Duration) {
	fmt.Fprintf(w, "%s\n", rec.title())
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "runs\tpassed\tviolations\tops checked\tvirtual time\twall time")
	fmt.Fprintf(tw, "%d\t%d\t%d\t%d\t%s\t%s\n", rec.Runs, rec.Passed, rec.Failed, rec.OpsChecked,
		progress.FormatDuration(time.Duration(rec.VirtualNs)), progress.FormatDuration(wall))
	tw.Flush()
	if rec.KnownBug {
		fmt.Fprintf(w, "known bug found in %d of %d seeds\n", rec.Failed, rec.Runs)
	}
}

// maxProblemsShown bounds the problems printed per failed seed (the page lists them all).
const maxProblemsShown = 3

// printSweepFailures prints each failed seed's first problems, the command that replays it and its
// report (under dir).
func printSweepFailures(w io.Writer, dir string, results []seedResult) {
	first := true
	for _, r := range results {
		if r.passed() {
			continue
		}
		if first {
			fmt.Fprintln(w, "\nfailures:")
			first = false
		}
		fmt.Fprintf(w, "seed %d: %s\n", r.Seed, human.Count(len(r.Problems), "problem"))
		for i, p := range r.Problems {
			if i == maxProblemsShown {
				fmt.Fprintf(w, "  … and %d more\n", len(r.Problems)-i)
				break
			}
			fmt.Fprintf(w, "  - %s\n", p)
		}
		if r.Replay != "" {
			fmt.Fprintf(w, "  replay: %s\n", r.Replay)
		}
		if r.Report != "" {
			fmt.Fprintf(w, "  report: %s\n", filepath.Join(dir, r.Report, reports.IndexFile))
		}
	}
	if !first {
		fmt.Fprintln(w)
	}
}

// writeSweep writes the sweep's page and sweep.json into dir and returns the page.
func writeSweep(dir string, rec sweepRecord) (string, error) {
	rows := make([]reports.SweepRow, len(rec.Results))
	for i, r := range rec.Results {
		rows[i] = reports.SweepRow{Seed: int64(r.Seed), Passed: r.passed(), Problems: r.Problems, Dir: r.Report,
			Ops: r.Ops, VirtualSeconds: time.Duration(r.VirtualNs).Seconds(), Replay: r.Replay}
	}
	page, err := reports.WriteSweepPage(dir, reports.Sweep{Title: rec.title(), KnownBug: rec.KnownBug, Rows: rows,
		OpsChecked: rec.OpsChecked, Wall: rec.WallNs})
	if err != nil {
		return "", fmt.Errorf("write sweep page: %w", err)
	}
	rec.Format = sweepFormat
	data, err := json.MarshalIndent(rec, "", "  ")
	if err != nil {
		return "", fmt.Errorf("encode %s: %w", sweepFile, err)
	}
	if err := os.WriteFile(filepath.Join(dir, sweepFile), append(data, '\n'), 0o644); err != nil {
		return "", fmt.Errorf("write %s: %w", sweepFile, err)
	}
	return page, nil
}

// readSweep reads the sweep.json of a sweep directory (or the file itself) and returns it with the
// directory it lies in.
func readSweep(path string) (sweepRecord, string, error) {
	file, dir := path, filepath.Dir(path)
	if info, err := os.Stat(path); err == nil && info.IsDir() {
		file, dir = filepath.Join(path, sweepFile), path
	}
	data, err := os.ReadFile(file)
	if errors.Is(err, fs.ErrNotExist) {
		return sweepRecord{}, "", fmt.Errorf("%s: no %s: not the output of labd sweep", path, sweepFile)
	}
	if err != nil {
		return sweepRecord{}, "", fmt.Errorf("read sweep result: %w", err)
	}
	var rec sweepRecord
	if err := json.Unmarshal(data, &rec); err != nil {
		return sweepRecord{}, "", fmt.Errorf("%s: not a sweep result: %w", file, err)
	}
	if rec.Format != sweepFormat {
		return sweepRecord{}, "", fmt.Errorf("%s: sweep result format %d, this labd reads format %d (rerun the sweep with this labd)",
			file, rec.Format, sweepFormat)
	}
	return rec, dir, nil
}
