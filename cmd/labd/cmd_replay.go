package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// cmdReplay reruns a recorded run (a report directory, or a story or suite and a seed) and
// compares trace hashes.
func cmdReplay(args []string, stdout, stderr io.Writer) int {
	const synopsis = "labd replay REPORT_DIR | labd replay STORY|SUITE [--seed N] [--bug NAME] [--trace HASH] [--dir DIR]"
	flags := newFlagSet("replay", synopsis, stderr)
	var seed seedFlag
	flags.Var(&seed, "seed", "seed of the run to replay (with STORY, default the story's seed; a SUITE needs one)")
	bug := flags.String("bug", "", "the known bug the run had switched on (with STORY or SUITE)")
	trace := flags.String("trace", "", "the trace hash the run gave (16 hex digits): the replay must give it again")
	dir := flags.String("dir", defaultRunsDir, "where to look for the recorded run of STORY")
	verbose := flags.Bool("v", false, "print the narrative while replaying (a suite seed: the simulator's trace)")
	pos, err := parseArgs(flags, args, 1, 1)
	if err != nil {
		fmt.Fprintf(stderr, "labd replay: %v\n", err)
		return exitUsage
	}
	if *trace != "" && !isTraceHash(*trace) {
		fmt.Fprintf(stderr, "labd replay: --trace %q: want the 16 hex digits a run prints\n", *trace)
		return exitUsage
	}
	var narrative io.Writer
	if *verbose {
		narrative = stdout
	}
	if isReportDir(pos[0]) {
		if seed.set || *bug != "" || *trace != "" {
			fmt.Fprintln(stderr, "labd replay: --seed, --bug and --trace go with a STORY or SUITE; a report directory records its own")
			return exitUsage
		}
		return replayReport(pos[0], narrative, stdout, stderr)
	}
	if info, err := os.Stat(pos[0]); err == nil && info.IsDir() {
		fmt.Fprintf(stderr, "labd replay: %s is a directory but not a labd report (it has no %s)\n", pos[0], runFile)
		return exitUsage
	}
	if isSuiteName(pos[0]) {
		if !seed.set {
			fmt.Fprintf(stderr, "labd replay: suite %s: which seed? (--seed N)\n", pos[0])
			return exitUsage
		}
		return replaySuite(suiteReplay{Suite: pos[0], Seed: seed.value, Bug: *bug, TraceHash: *trace, Trace: narrative},
			stdout, stderr)
	}
	src, err := loadStoryOrSuiteName(pos[0])
	if err != nil {
		fmt.Fprintf(stderr, "labd replay: %v\n", err)
		return exitUsage
	}
	job := storyJob{Source: src, Seed: seed.ptr(), Bug: *bug}
	res, err := job.execute(narrative)
	if err != nil {
		fmt.Fprintf(stderr, "labd replay: %v\n", err)
		return exitUsage
	}
	got := formatHash(res.TraceHash)
	if *trace != "" {
		return compareHashes(stdout, stderr, "--trace", *trace, got)
	}
	recordedDir := job.defaultReportDir(*dir, res.Seed)
	if rec, err := readRecord(recordedDir); err == nil && rec.Seed == res.Seed && rec.Bug == job.Bug {
		return compareHashes(stdout, stderr, recordedDir, rec.TraceHash, got)
	}
	// Nothing recorded: replaying means a second run gives the same trace.
	fmt.Fprintf(stdout, "no recorded run in %s; comparing with a second run\n", recordedDir)
	again, err := job.execute(nil)
	if err != nil {
		fmt.Fprintf(stderr, "labd replay: %v\n", err)
		return exitFailed
	}
	return compareHashes(stdout, stderr, "a second run", formatHash(again.TraceHash), got)
}

// isReportDir says whether arg is a directory holding run.json.
func isReportDir(arg string) bool {
	info, err := os.Stat(filepath.Join(arg, runFile))
	return err == nil && !info.IsDir()
}

// replayReport reruns the run recorded in dir from its own copy of the story.
func replayReport(dir string, narrative, stdout, stderr io.Writer) int {
	rec, err := readRecord(dir)
	if err != nil {
		fmt.Fprintf(stderr, "labd replay: %v\n", err)
		return exitUsage
	}
	if rec.Suite != "" {
		return replaySuite(suiteReplay{Suite: rec.Suite, Seed: rec.Seed, Bug: rec.Bug, TraceHash: rec.TraceHash,
			RecordedIn: dir, Verdict: rec.Verdict, Trace: narrative}, stdout, stderr)
	}
	text, err := os.ReadFile(filepath.Join(dir, storyCopy))
	if errors.Is(err, fs.ErrNotExist) {
		// An older report without the copy: fall back on the story it names.
		name := rec.Story
		if rec.StoryPath != "" {
			name = rec.StoryPath
		}
		src, lerr := loadStory(name)
		if lerr != nil {
			fmt.Fprintf(stderr, "labd replay: %v\n", lerr)
			return exitUsage
		}
		text = src.Text
	} else if err != nil {
		fmt.Fprintf(stderr, "labd replay: read story copy: %v\n", err)
		return exitUsage
	}
	seed := rec.Seed
	job := storyJob{Source: storySource{Name: rec.Story, File: rec.StoryFile, Path: rec.StoryPath, Text: text},
		Seed: &seed, Bug: rec.Bug}
	res, err := job.execute(narrative)
	if err != nil {
		fmt.Fprintf(stderr, "labd replay: %v\n", err)
		return exitFailed
	}
	if verdict := verdictWord(res.Passed); verdict != rec.Verdict {
		fmt.Fprintf(stderr, "labd replay: the story %s now, it %s when recorded\n", verdict, rec.Verdict)
	}
	return compareHashes(stdout, stderr, dir, rec.TraceHash, formatHash(res.TraceHash))
}

// compareHashes prints the outcome of a replay: bit-for-bit (exit 0) or a mismatch (exit 1).
func compareHashes(stdout, stderr io.Writer, recordedIn, recorded, got string) int {
	if recorded == got {
		fmt.Fprintf(stdout, "replayed bit-for-bit: trace hash %s\n", got)
		return exitOK
	}
	fmt.Fprintf(stderr, "replay MISMATCH: trace hash %s, but %s has %s (the code or the story changed since)\n",
		got, recordedIn, recorded)
	return exitFailed
}
