package main

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/raftlab/raftlab/internal/human"
	"github.com/raftlab/raftlab/scenarios/stories"
	"github.com/raftlab/raftlab/scenarios/suite"
)

// suiteReplay is one seed of a suite to run again.
type suiteReplay struct {
	Suite string
	Seed  uint64
	Bug   string
	// TraceHash is the hash the run must give again; "" compares with a second run.
	TraceHash string
	// RecordedIn names where TraceHash comes from (a report directory), "" for --trace.
	RecordedIn string
	// Verdict is the recorded verdict word, "" when not known.
	Verdict string
	// Trace, when set, receives the simulator's trace of the replay (-v).
	Trace io.Writer
}

// isSuiteName says whether arg names a suite ("NAME/correct" included) and not an embedded story
// or a story file.
func isSuiteName(arg string) bool {
	if _, err := suite.Lookup(arg); err != nil || strings.HasSuffix(arg, storyExt) {
		return false
	}
	if _, err := stories.FS.Open(arg + storyExt); err == nil {
		return false
	}
	info, err := os.Stat(arg)
	return err != nil || info.IsDir()
}

// isTraceHash says whether s looks like a trace hash as labd prints it.
func isTraceHash(s string) bool {
	return len(s) == 16 && strings.Trim(strings.ToLower(s), "0123456789abcdef") == ""
}

// replaySuite reruns one seed of a suite, prints what it found, and compares trace hashes.
func replaySuite(r suiteReplay, stdout, stderr io.Writer) int {
	s, err := lookupSuite(r.Suite)
	if err == nil {
		s, err = withBug(s, r.Bug)
	}
	if err != nil {
		fmt.Fprintf(stderr, "labd replay: %v\n", err)
		return exitUsage
	}
	s.Trace = r.Trace
	sum, err := s.Run(r.Seed)
	s.Trace = nil
	if err != nil {
		fmt.Fprintf(stderr, "labd replay: %v\n", err)
		return exitFailed
	}
	printSeedVerdict(stdout, sum, s.KnownBug)
	if r.Verdict != "" && verdictWord(sum.Passed) != r.Verdict {
		fmt.Fprintf(stderr, "labd replay: seed %d %s now, it %s when recorded\n", r.Seed, verdictWord(sum.Passed), r.Verdict)
	}
	got := formatHash(sum.TraceHash)
	switch {
	case r.RecordedIn != "":
		return compareHashes(stdout, stderr, r.RecordedIn, strings.ToLower(r.TraceHash), got)
	case r.TraceHash != "":
		return compareHashes(stdout, stderr, "--trace", strings.ToLower(r.TraceHash), got)
	}
	fmt.Fprintln(stdout, "no trace hash given (--trace); comparing with a second run")
	again, err := s.Run(r.Seed)
	if err != nil {
		fmt.Fprintf(stderr, "labd replay: %v\n", err)
		return exitFailed
	}
	return compareHashes(stdout, stderr, "a second run", formatHash(again.TraceHash), got)
}

// printSeedVerdict prints one seed's outcome and its first problems; on a known-bug suite a failure
// is the bug found.
func printSeedVerdict(w io.Writer, sum *suite.Summary, knownBug bool) {
	switch {
	case sum.Passed && knownBug:
		fmt.Fprintf(w, "%s seed %d: known bug not found (%s)\n", sum.Suite, sum.Seed, human.Count(sum.Ops, "operation"))
		return
	case sum.Passed:
		fmt.Fprintf(w, "%s seed %d: passed (%s)\n", sum.Suite, sum.Seed, human.Count(sum.Ops, "operation"))
		return
	case knownBug:
		fmt.Fprintf(w, "%s seed %d: known bug found, %s\n", sum.Suite, sum.Seed, human.Count(len(sum.Problems), "problem"))
	default:
		fmt.Fprintf(w, "%s seed %d: FAILED, %s\n", sum.Suite, sum.Seed, human.Count(len(sum.Problems), "problem"))
	}
	for i, p := range sum.Problems {
		if i == maxProblemsShown {
			fmt.Fprintf(w, "  … and %d more\n", len(sum.Problems)-i)
			break
		}
		fmt.Fprintf(w, "  - %s\n", p)
	}
}
