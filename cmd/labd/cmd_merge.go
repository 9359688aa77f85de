package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"
)

// cmdMerge joins the shards of a sweep (`labd sweep --shard I/N`, run anywhere) into the whole
// sweep's result and page, with the failing seeds' reports; its exit code is the sweep's verdict.
func cmdMerge(args []string, stdout, stderr io.Writer) int {
	const synopsis = "labd merge SHARD_DIR... [--out DIR]"
	fs := newFlagSet("merge", synopsis, stderr)
	out := fs.String("out", "", "where to write the merged sweep (default "+defaultRunsDir+"/sweep-SUITE-A-B)")
	paths, err := parseArgs(fs, args, 1, maxMergeInputs)
	if err != nil {
		fmt.Fprintf(stderr, "labd merge: %v\n", err)
		return exitUsage
	}
	inputs := make([]shardInput, 0, len(paths))
	for _, p := range paths {
		rec, dir, err := readSweep(p)
		if err != nil {
			fmt.Fprintf(stderr, "labd merge: %v\n", err)
			return exitUsage
		}
		inputs = append(inputs, shardInput{Rec: rec, Dir: dir, File: filepath.Join(dir, sweepFile)})
	}
	merged, err := mergeShards(inputs)
	if err != nil {
		fmt.Fprintf(stderr, "labd merge: %v\n", err)
		return exitUsage
	}
	if !merged.Version.known() {
		fmt.Fprintf(stderr, "labd merge: warning: cannot tell whether the shards ran the same code: %s\n", unknownVersionWarning())
	}
	dir := *out
	if dir == "" {
		seeds, _ := parseSeedRange(merged.Seeds) // mergeShards parsed it
		dir = sweepDir(defaultRunsDir, merged.name(), seeds, merged.Bug)
	}
	if isOneOf(dir, inputs) {
		fmt.Fprintf(stderr, "labd merge: --out %s is one of the shards: write the merged sweep elsewhere\n", dir)
		return exitUsage
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		fmt.Fprintf(stderr, "labd merge: %v\n", err)
		return exitFailed
	}
	if err := copySeedReports(dir, inputs); err != nil {
		fmt.Fprintf(stderr, "labd merge: %v\n", err)
		return exitFailed
	}
	page, err := writeSweep(dir, merged)
	if err != nil {
		fmt.Fprintf(stderr, "labd merge: %v\n", err)
		return exitFailed
	}
	printSweepTable(stdout, merged, time.Duration(merged.WallNs))
	fmt.Fprintln(stdout, "(wall time: the sum of the shards')")
	printSweepFailures(stdout, dir, merged.Results)
	fmt.Fprintf(stdout, "code version: %s\nsweep page: %s\n", merged.Version, page)
	return sweepExit(merged)
}

// maxMergeInputs bounds the shards of one merge (one per seed at most, and a shell's argument list).
const maxMergeInputs = 100_000
