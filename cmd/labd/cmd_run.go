package main

import (
	"fmt"
	"io"
	"path/filepath"

	"github.com/raftlab/raftlab/internal/human"
)

// defaultRunsDir is where reports go without --out, relative to the working directory.
const defaultRunsDir = "labd-runs"

// cmdRun runs a story in simulation, streaming its narrative, and writes its report.
func cmdRun(args []string, stdout, stderr io.Writer) int {
	const synopsis = "labd run STORY [--seed N] [--out DIR] [--bug NAME]"
	fs := newFlagSet("run", synopsis, stderr)
	var seed seedFlag
	fs.Var(&seed, "seed", "seed (default: the story's own seed line)")
	out := fs.String("out", "", "report directory (default "+defaultRunsDir+"/STORY-seedN)")
	bug := fs.String("bug", "", "switch on a known bug in every node (see labd list)")
	pos, err := parseArgs(fs, args, 1, 1)
	if err != nil {
		fmt.Fprintf(stderr, "labd run: %v\n", err)
		return exitUsage
	}
	src, err := loadStory(pos[0])
	if err != nil {
		fmt.Fprintf(stderr, "labd run: %v\n", err)
		return exitUsage
	}
	job := storyJob{Source: src, Seed: seed.ptr(), Bug: *bug}
	res, err := job.execute(stdout)
	if err != nil {
		fmt.Fprintf(stderr, "labd run: %v\n", err)
		return exitUsage
	}
	dir := *out
	if dir == "" {
		dir = job.defaultReportDir(defaultRunsDir, res.Seed)
	}
	files, err := writeStoryReport(dir, job, res)
	if err != nil {
		fmt.Fprintf(stderr, "labd run: %v\n", err)
		return exitFailed
	}
	fmt.Fprintln(stdout)
	printSkipped(stdout, res.Skipped)
	fmt.Fprintf(stdout, "report:     %s\n", files.Index)
	fmt.Fprintf(stdout, "trace hash: %s (seed %d)\n", formatHash(res.TraceHash), res.Seed)
	fmt.Fprintf(stdout, "replay:     %s\n", job.replayCommand(res.Seed))
	fmt.Fprintf(stdout, "            %s replay %s\n", labdCommand, shellQuote(filepath.ToSlash(dir)))
	// The narrative's last line said PASSED or FAILED; the failures are repeated on stderr, where a
	// script looks for them.
	if !res.Passed {
		fmt.Fprintf(stderr, "labd run: %s:\n", human.Count(len(res.Failures), "failure"))
		for _, f := range res.Failures {
			fmt.Fprintf(stderr, "  %s\n", f)
		}
		return exitFailed
	}
	return exitOK
}
