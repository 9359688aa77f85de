package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/raftlab/raftlab/cmd/labd/internal/progress"
	"github.com/raftlab/raftlab/reports"
	"github.com/raftlab/raftlab/scenarios/suite"
)

// sweepFile is the sweep's machine-readable summary, next to its index.html.
const sweepFile = "sweep.json"

// sweepPlan is what one sweep runs: a suite, or a story over many seeds.
type sweepPlan struct {
	// Suite is the suite swept (with the bug switched on), unless Story is set.
	Suite suite.Suite
	// Story is the story swept, or nil.
	Story *storySource
	Seeds seedRange
	Bug   string
}

// name is the swept suite's or story's name.
func (p sweepPlan) name() string {
	if p.Story != nil {
		return p.Story.Name
	}
	return p.Suite.Name
}

// knownBug says whether the runs carry a deliberate bug, so that a failing seed is the lab finding it.
func (p sweepPlan) knownBug() bool {
	if p.Story != nil {
		return p.Bug != ""
	}
	return p.Suite.KnownBug
}

// replayCommand is the exact command that reruns one seed alone and checks its trace hash.
func (p sweepPlan) replayCommand(seed, traceHash uint64) string {
	var cmd string
	if p.Story != nil {
		cmd = storyJob{Source: *p.Story, Bug: p.Bug}.replayCommand(seed)
	} else {
		cmd = fmt.Sprintf("%s replay %s --seed %d", labdCommand, shellQuote(p.Suite.Name), seed)
		if p.Bug != "" {
			cmd += " --bug " + shellQuote(p.Bug)
		}
	}
	return cmd + " --trace " + formatHash(traceHash)
}

// title names the sweep on its page.
func (p sweepPlan) title() string {
	t := fmt.Sprintf("sweep %s, seeds %s", p.name(), p.Seeds)
	if p.Bug != "" {
		t += ", bug " + p.Bug
	}
	return t
}

// defaultDir is where the sweep page goes without --out.
func (p sweepPlan) defaultDir(base string) string {
	name := fmt.Sprintf("sweep-%s-%d-%d", strings.ReplaceAll(p.name(), "/", "-"), p.Seeds.From, p.Seeds.To)
	if p.Bug != "" {
		name += "-" + bugPrefix + strings.TrimPrefix(p.Bug, bugPrefix)
	}
	return filepath.Join(base, name)
}

// withBug returns s with the known bug switched on in every node, with the protocol settings the bug
// needs to show (a bug that pre-vote would hide runs with pre-vote off).
func withBug(s suite.Suite, bug string) (suite.Suite, error) {
	if bug == "" {
		return s, nil
	}
	b, err := lookupBug(bug)
	if err != nil {
		return suite.Suite{}, err
	}
	s.Node.Bugs = b.Node.Bugs
	s.Node.DisablePreVote = s.Node.DisablePreVote || b.Node.DisablePreVote
	s.Node.DisableCheckQuorum = s.Node.DisableCheckQuorum || b.Node.DisableCheckQuorum
	s.KnownBug = true
	return s, nil
}

// cmdSweep runs a suite, or a story, over a range of seeds on every core.
func cmdSweep(args []string, stdout, stderr io.Writer) int {
	const synopsis = "labd sweep SUITE|STORY --seeds A..B [--parallel N] [--out DIR] [--bug NAME] [--reports auto|all|failed|none]"
	fs := newFlagSet("sweep", synopsis, stderr)
	seedsText := fs.String("seeds", "", "seeds to run, A..B inclusive (or one seed N)")
	parallel := fs.Int("parallel", 0, "runs at a time (default GOMAXPROCS)")
	out := fs.String("out", "", "where to write the sweep page (default "+defaultRunsDir+"/sweep-SUITE-A-B)")
	bug := fs.String("bug", "", "switch on a known bug in every node (see labd list)")
	perSeed := fs.String("reports", reportsAuto, "which seeds get a report of their own: auto (all for up to 200 seeds, else failed ones), all, failed or none")
	pos, err := parseArgs(fs, args, 1, 1)
	if err != nil {
		fmt.Fprintf(stderr, "labd sweep: %v\n", err)
		return exitUsage
	}
	if *seedsText == "" {
		fmt.Fprintln(stderr, "labd sweep: --seeds A..B is required")
		fs.Usage()
		return exitUsage
	}
	seeds, err := parseSeedRange(*seedsText)
	if err != nil {
		fmt.Fprintf(stderr, "labd sweep: %v\n", err)
		return exitUsage
	}
	if *parallel < 0 {
		fmt.Fprintf(stderr, "labd sweep: --parallel %d: want a positive number of workers\n", *parallel)
		return exitUsage
	}
	plan, err := planSweep(pos[0], *bug)
	if err != nil {
		fmt.Fprintf(stderr, "labd sweep: %v\n", err)
		return exitUsage
	}
	plan.Seeds = seeds
	switch *perSeed {
	case reportsAuto, reportsAll, reportsFailed, reportsNone:
	default:
		fmt.Fprintf(stderr, "labd sweep: --reports %q: want auto, all, failed or none\n", *perSeed)
		return exitUsage
	}
	dir := *out
	if dir == "" {
		dir = plan.defaultDir(defaultRunsDir)
	}

	start := time.Now()
	bar := progress.New(stderr, seeds.Len(), progress.IsTerminal(stderr), time.Now)
	outcomes := sweepSeeds(seeds, *parallel, withSeedReports(dir, *perSeed, plan, plan.runner()), func(done, failed int) {
		bar.Update(done, failed)
		growGCBudget()
	})
	bar.Finish()
	wall := time.Since(start)

	totals := sumSweep(outcomes)
	printSweepTable(stdout, plan, totals, wall)
	printSweepMarks(stdout, sweepMarks(outcomes))
	printSweepFailures(stdout, plan, dir, outcomes)

	page, err := writeSweepPage(dir, plan, outcomes, totals, wall)
	if err != nil {
		fmt.Fprintf(stderr, "labd sweep: %v\n", err)
		return exitFailed
	}
	fmt.Fprintf(stdout, "sweep page: %s\n", page)
	return sweepExit(plan, totals)
}

// sweepExit is the sweep's exit code: a sweep of correct code succeeds when no seed failed; a
// known-bug sweep succeeds when some seed found the bug (and fails when none did).
func sweepExit(plan sweepPlan, t sweepTotals) int {
	if found := t.Failed > 0; found != plan.knownBug() {
		return exitFailed
	}
	return exitOK
}

// planSweep finds what name stands for: a suite (with the bug switched on) or a story.
func planSweep(name, bug string) (sweepPlan, error) {
	if isSuiteName(name) {
		s, err := lookupSuite(name)
		if err == nil {
			s, err = withBug(s, bug)
		}
		return sweepPlan{Suite: s, Bug: bug}, err
	}
	src, err := loadStory(name)
	if err != nil {
		_, serr := lookupSuite(name)
		return sweepPlan{}, fmt.Errorf("%q is neither a suite nor a story: %v; %v", name, serr, err)
	}
	if _, err := src.parse(); err != nil {
		return sweepPlan{}, err
	}
	if bug != "" {
		if _, err := lookupBug(bug); err != nil {
			return sweepPlan{}, err
		}
	}
	return sweepPlan{Story: &src, Bug: bug}, nil
}

// sweepTotals are the figures of the summary table.
type sweepTotals struct {
	Runs, Passed, Failed int
	// Ops are the operations recorded; OpsChecked those given to the linearizability checker.
	Ops, OpsChecked int
	// Virtual is the virtual time simulated across all runs (ns).
	Virtual int64
}

func sumSweep(outcomes []seedOutcome) sweepTotals {
	var t sweepTotals
	for _, o := range outcomes {
		t.Runs++
		if o.failed() {
			t.Failed++
		} else {
			t.Passed++
		}
		if o.Summary != nil {
			t.Ops += o.Summary.Ops
			t.OpsChecked += o.Summary.Verdict.OpsChecked
			t.Virtual += o.Summary.VirtualTime
		}
	}
	return t
}

// printSweepTable prints the one-row summary table of a sweep.
func printSweepTable(w io.Writer, plan sweepPlan, t sweepTotals, wall time.Duration) {
	fmt.Fprintf(w, "%s\n", plan.title())
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "runs\tpassed\tviolations\tops checked\tvirtual time\twall time")
	fmt.Fprintf(tw, "%d\t%d\t%d\t%d\t%s\t%s\n", t.Runs, t.Passed, t.Failed, t.OpsChecked,
		progress.FormatDuration(time.Duration(t.Virtual)), progress.FormatDuration(wall))
	tw.Flush()
	if plan.knownBug() {
		fmt.Fprintf(w, "known bug found in %d of %d seeds\n", t.Failed, t.Runs)
	}
}

// maxProblemsShown bounds the problems printed per failed seed (the page lists them all).
const maxProblemsShown = 3

// printSweepFailures prints each failed seed's first problems, the command that replays it and its
// report (under dir).
func printSweepFailures(w io.Writer, plan sweepPlan, dir string, outcomes []seedOutcome) {
	first := true
	for _, o := range outcomes {
		if !o.failed() {
			continue
		}
		if first {
			fmt.Fprintln(w, "\nfailures:")
			first = false
		}
		probs := o.problems()
		fmt.Fprintf(w, "seed %d: %s\n", o.Seed, plural(len(probs), "problem"))
		for i, p := range probs {
			if i == maxProblemsShown {
				fmt.Fprintf(w, "  … and %d more\n", len(probs)-i)
				break
			}
			fmt.Fprintf(w, "  - %s\n", p)
		}
		if o.Summary != nil {
			fmt.Fprintf(w, "  replay: %s\n", plan.replayCommand(o.Seed, o.Summary.TraceHash))
		}
		if hasSeedReport(o.Summary) {
			fmt.Fprintf(w, "  report: %s\n", filepath.Join(dir, seedReportDir(o.Seed), reports.IndexFile))
		}
	}
	if !first {
		fmt.Fprintln(w)
	}
}

// sweepRecord is sweep.json.
type sweepRecord struct {
	Suite       string   `json:"suite,omitempty"`
	Story       string   `json:"story,omitempty"`
	Bug         string   `json:"bug,omitempty"`
	KnownBug    bool     `json:"knownBug,omitempty"`
	Seeds       string   `json:"seeds"`
	Runs        int      `json:"runs"`
	Passed      int      `json:"passed"`
	Failed      int      `json:"failed"`
	OpsChecked  int      `json:"opsChecked"`
	VirtualNs   int64    `json:"virtualNs"`
	WallNs      int64    `json:"wallNs"`
	FailedSeeds []uint64 `json:"failedSeeds,omitempty"`
	// Marks counts the coverage marks of core the sweep hit (core/mark), every mark listed.
	Marks map[string]uint64 `json:"marks"`
}

// writeSweepPage writes the sweep's summary page and sweep.json into dir and returns the page.
func writeSweepPage(dir string, plan sweepPlan, outcomes []seedOutcome, t sweepTotals, wall time.Duration) (string, error) {
	rows := make([]reports.SweepRow, len(outcomes))
	rec := sweepRecord{Bug: plan.Bug, KnownBug: plan.knownBug(), Seeds: plan.Seeds.String(), Runs: t.Runs,
		Passed: t.Passed, Failed: t.Failed, OpsChecked: t.OpsChecked, VirtualNs: t.Virtual, WallNs: int64(wall),
		Marks: markCounts(sweepMarks(outcomes))}
	if plan.Story != nil {
		rec.Story = plan.Story.Name
	} else {
		rec.Suite = plan.Suite.Name
	}
	for i, o := range outcomes {
		row := reports.SweepRow{Seed: int64(o.Seed), Passed: !o.failed(), Problems: o.problems()}
		if hasSeedReport(o.Summary) {
			row.Dir = seedReportDir(o.Seed)
		}
		if o.Summary != nil {
			row.Ops = o.Summary.Ops
			row.VirtualSeconds = time.Duration(o.Summary.VirtualTime).Seconds()
			row.Replay = plan.replayCommand(o.Seed, o.Summary.TraceHash)
		}
		if o.failed() {
			rec.FailedSeeds = append(rec.FailedSeeds, o.Seed)
		}
		rows[i] = row
	}
	page, err := reports.WriteSweepPage(dir, reports.Sweep{Title: plan.title(), KnownBug: plan.knownBug(), Rows: rows})
	if err != nil {
		return "", fmt.Errorf("write sweep page: %w", err)
	}
	data, err := json.MarshalIndent(rec, "", "  ")
	if err != nil {
		return "", fmt.Errorf("encode %s: %w", sweepFile, err)
	}
	if err := os.WriteFile(filepath.Join(dir, sweepFile), append(data, '\n'), 0o644); err != nil {
		return "", fmt.Errorf("write %s: %w", sweepFile, err)
	}
	return page, nil
}

// plural formats a count with its noun: "1 problem", "3 problems".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
