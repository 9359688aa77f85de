package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/raftlab/raftlab/cmd/labd/internal/progress"
	"github.com/raftlab/raftlab/scenarios/suite"
)

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
func (p sweepPlan) title() string { return sweepTitle(p.name(), p.Seeds.String(), p.Bug) }

// sweepDir is where a sweep's page goes without --out: base/sweep-NAME-A-B[-bug-BUG].
func sweepDir(base, name string, seeds seedRange, bug string) string {
	dir := fmt.Sprintf("sweep-%s-%d-%d", strings.ReplaceAll(name, "/", "-"), seeds.From, seeds.To)
	if bug != "" {
		dir += "-" + bugPrefix + strings.TrimPrefix(bug, bugPrefix)
	}
	return filepath.Join(base, dir)
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

// cmdSweep runs a suite, or a story, over a range of seeds on every core: all of them, or one shard.
func cmdSweep(args []string, stdout, stderr io.Writer) int {
	const synopsis = "labd sweep SUITE|STORY --seeds A..B [--shard I/N] [--parallel N] [--out DIR] [--bug NAME] [--reports failed|all|none] [--version-tag TAG]"
	fs := newFlagSet("sweep", synopsis, stderr)
	seedsText := fs.String("seeds", "", "seeds to run, A..B inclusive (or one seed N)")
	shardText := fs.String("shard", "", "run only shard I of N (0 <= I < N): the I-th of N contiguous slices of the seeds; labd merge joins the shards")
	parallel := fs.Int("parallel", 0, "runs at a time (default GOMAXPROCS)")
	out := fs.String("out", "", "where to write the sweep page (default "+defaultRunsDir+"/sweep-SUITE-A-B)")
	bug := fs.String("bug", "", "switch on a known bug in every node (see labd list)")
	perSeed := fs.String("reports", reportsFailed, "which seeds get a report of their own: failed (the seeds that failed; the others are a line of the sweep page), all or none")
	tag := fs.String("version-tag", "", "the code version to record when the build has no VCS revision (default $"+versionTagEnv+")")
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
	run, err := sweepShareOf(seeds, *shardText)
	if err != nil {
		fmt.Fprintf(stderr, "labd sweep: %v\n", err)
		return exitUsage
	}
	plan, err := planSweep(pos[0], *bug)
	if err != nil {
		fmt.Fprintf(stderr, "labd sweep: %v\n", err)
		return exitUsage
	}
	plan.Seeds = seeds
	switch *perSeed {
	case reportsFailed, reportsAll, reportsNone:
	default:
		fmt.Fprintf(stderr, "labd sweep: --reports %q: want failed, all or none\n", *perSeed)
		return exitUsage
	}
	dir := *out
	if dir == "" {
		dir = sweepDir(defaultRunsDir, plan.name(), seeds, plan.Bug)
		if run.Shard != nil {
			dir += fmt.Sprintf("-shard-%d-of-%d", run.Shard.Index, run.Shard.Count)
		}
	}
	version := currentVersion(versionTag(*tag))
	if !version.known() && run.Shard != nil {
		fmt.Fprintf(stderr, "labd sweep: warning: %s\n", unknownVersionWarning())
	}

	bar := progress.New(stderr, run.Seeds.Len(), progress.IsTerminal(stderr), time.Now)
	rec, page, err := sweepJob{Plan: plan, Share: run, Dir: dir, Parallel: *parallel, Reports: *perSeed,
		Version: version, Progress: bar.Update}.run()
	bar.Finish()
	if err != nil {
		fmt.Fprintf(stderr, "labd sweep: %v\n", err)
		return exitFailed
	}
	printSweepTable(stdout, rec, time.Duration(rec.WallNs))
	printSweepMarks(stdout, rec.Marks)
	printSweepFailures(stdout, dir, rec.Results)
	fmt.Fprintf(stdout, "sweep page: %s\n", page)
	if run.Shard != nil {
		// A shard succeeds once its result is written, whatever its seeds found: the sweep's verdict
		// is the merge's, and a scheduler runs the merge only after every shard succeeded.
		fmt.Fprintf(stdout, "shard %s written; the sweep's verdict: %s merge DIR... (every shard's directory)\n", run.Shard, labdCommand)
		return exitOK
	}
	return sweepExit(rec)
}

// sweepJob is one sweep to run: the plan, the share of its seeds to run here, where its page goes,
// and how (workers, which seeds keep a report, the code version to record, progress callback).
type sweepJob struct {
	Plan     sweepPlan
	Share    sweepShare
	Dir      string
	Parallel int
	Reports  string
	Version  codeVersion
	// Progress, if set, is called after each seed with the counts so far.
	Progress func(done, failed int)
}

// run runs the sweep and writes its page and sweep.json into Dir; it returns the result and the
// page's path.
func (j sweepJob) run() (sweepRecord, string, error) {
	start := time.Now()
	outcomes := sweepSeeds(j.Share.Seeds, j.Parallel, withSeedReports(j.Dir, j.Reports, j.Plan, j.Plan.runner()),
		func(done, failed int) {
			if j.Progress != nil {
				j.Progress(done, failed)
			}
			growGCBudget()
		})
	wall := time.Since(start)
	var shard *shardRecord
	if j.Share.Shard != nil {
		host, _ := os.Hostname()
		shard = &shardRecord{Index: j.Share.Shard.Index, Count: j.Share.Shard.Count, Seeds: j.Share.Seeds.String(),
			Host: host, WallNs: int64(wall)}
	}
	rec := newSweepRecord(j.Plan, shard, j.Version, outcomes, wall)
	page, err := writeSweep(j.Dir, rec)
	return rec, page, err
}

// sweepShare is what this sweep runs: every seed, or one shard's.
type sweepShare struct {
	Seeds seedRange
	Shard *shardSpec
}

// sweepShareOf reads --shard (empty: the whole range).
func sweepShareOf(seeds seedRange, shardText string) (sweepShare, error) {
	if shardText == "" {
		return sweepShare{Seeds: seeds}, nil
	}
	spec, err := parseShard(shardText)
	if err != nil {
		return sweepShare{}, err
	}
	share, err := seeds.shardOf(spec)
	if err != nil {
		return sweepShare{}, err
	}
	return sweepShare{Seeds: share, Shard: &spec}, nil
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
	src, err := loadStoryOrSuiteName(name)
	if err != nil {
		return sweepPlan{}, err
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
