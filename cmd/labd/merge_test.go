package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/raftlab/raftlab/reports"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestShardedSweepMergesIntoTheOneMachineSweep: three shards of a known-bug suite, merged, give
// the one-machine sweep's verdicts and trace hashes seed by seed; every failing seed keeps its
// report, which replays from the merged directory.
func TestShardedSweepMergesIntoTheOneMachineSweep(t *testing.T) {
	const suiteName, seeds, tag = "bug-vote-without-log-check", "1..12", "test-build"
	base := t.TempDir()
	var shardDirs []string
	for i := range 3 {
		dir := filepath.Join(base, fmt.Sprintf("shard-%d", i))
		r := runLabd(t, "sweep", suiteName, "--seeds", seeds, "--shard", fmt.Sprintf("%d/3", i), "--version-tag", tag, "--out", dir)
		require.Equal(t, exitOK, r.code, "a shard succeeds once written, whatever it found:\n%s\n%s", r.stdout, r.stderr)
		assert.Contains(t, r.stdout, fmt.Sprintf("sweep %s, seeds %s, shard %d/3 (seeds %d..%d)\n", suiteName, seeds, i, 4*i+1, 4*i+4))
		shard := readSweepFile(t, dir)
		require.NotNil(t, shard.Shard)
		assert.Equal(t, shardRecord{Index: i, Count: 3, Seeds: fmt.Sprintf("%d..%d", 4*i+1, 4*i+4),
			Host: shard.Shard.Host, WallNs: shard.Shard.WallNs}, *shard.Shard)
		for _, res := range shard.Results {
			assert.Equal(t, !res.passed(), res.Report != "", "seed %d: a shard reports failures only", res.Seed)
		}
		shardDirs = append(shardDirs, dir)
	}
	merged := filepath.Join(base, "merged")
	r := runLabd(t, append([]string{"merge", "--out", merged}, shardDirs...)...)
	require.Equal(t, exitOK, r.code, "the known bug was found:\n%s\n%s", r.stdout, r.stderr)
	assert.Contains(t, r.stdout, fmt.Sprintf("sweep %s, seeds %s, merged from 3 shards\n", suiteName, seeds))
	assert.Contains(t, r.stdout, "code version: tag "+tag)

	oneDir := filepath.Join(base, "one")
	one := runLabd(t, "sweep", suiteName, "--seeds", seeds, "--reports", "failed", "--version-tag", tag, "--out", oneDir)
	require.Equal(t, exitOK, one.code, one.stderr)
	want, got := readSweepFile(t, oneDir), readSweepFile(t, merged)
	assert.Equal(t, withoutWallTimes(want), withoutWallTimes(got))
	assert.Len(t, got.MergedShards, 3)
	require.NotEmpty(t, got.FailedSeeds, "the sweep found the bug")
	assert.Less(t, len(got.FailedSeeds), 12, "and some seeds passed")

	page, err := os.ReadFile(filepath.Join(merged, reports.IndexFile))
	require.NoError(t, err)
	for _, seed := range got.FailedSeeds {
		seedDir := filepath.Join(merged, seedReportDir(seed))
		assert.Contains(t, string(page), seedReportDir(seed)+"/"+reports.IndexFile)
		for _, f := range []string{historyFile, runFile, reports.IndexFile} {
			assert.FileExists(t, filepath.Join(seedDir, f))
		}
		assert.Equal(t, fileNames(t, filepath.Join(oneDir, seedReportDir(seed))), fileNames(t, seedDir),
			"seed %d keeps the one-machine sweep's report (history, visualisation, figures, run.json)", seed)
	}
	seedDir := filepath.Join(merged, seedReportDir(got.FailedSeeds[0]))
	replay := runLabd(t, "replay", seedDir)
	assert.Equal(t, exitOK, replay.code, replay.stderr)
	assert.Contains(t, replay.stdout, "replayed bit-for-bit: trace hash "+got.Results[got.FailedSeeds[0]-1].TraceHash)
}

// fileNames lists the files of a directory.
func fileNames(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func readSweepFile(t *testing.T, dir string) sweepRecord {
	t.Helper()
	rec, _, err := readSweep(dir)
	require.NoError(t, err)
	return rec
}

// withoutWallTimes keeps what a sweep's seeds decide (verdicts, trace hashes, checked operations,
// virtual time, problems, replay commands and reports) and drops where and how long they ran.
func withoutWallTimes(rec sweepRecord) sweepRecord {
	rec.Shard, rec.MergedShards, rec.WallNs = nil, nil, 0
	rec.Results = append([]seedResult(nil), rec.Results...)
	for i := range rec.Results {
		rec.Results[i].WallNs = 0
	}
	return rec
}

// fakeShard is shard index/count of a sweep of register-partitions over seeds, as sweep.json.
func fakeShard(t *testing.T, index, count int, seeds string) sweepRecord {
	t.Helper()
	whole, err := parseSeedRange(seeds)
	require.NoError(t, err)
	share, err := whole.shardOf(shardSpec{Index: index, Count: count})
	require.NoError(t, err)
	rec := sweepRecord{Suite: "register-partitions", Seeds: seeds, Version: codeVersion{Revision: "abc123", Go: "go1.26.8"},
		Shard: &shardRecord{Index: index, Count: count, Seeds: share.String(), WallNs: 1e9}}
	for s := share.From; s <= share.To; s++ {
		rec.Results = append(rec.Results, seedResult{Seed: s, Verdict: verdictPass, TraceHash: formatHash(s), OpsChecked: 10})
	}
	rec.count()
	return rec
}

// writeFakeShard writes rec as the sweep.json of a new directory named name under base.
func writeFakeShard(t *testing.T, base, name string, rec sweepRecord) {
	t.Helper()
	dir := filepath.Join(base, name)
	require.NoError(t, os.MkdirAll(dir, 0o755))
	rec.Format = sweepFormat
	data, err := json.Marshal(rec)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, sweepFile), data, 0o644))
}

// TestMergeRefusesWhatIsNotOneSweep: foreign, missing and duplicate shards are refused with a message
// naming the mismatch and the files.
func TestMergeRefusesWhatIsNotOneSweep(t *testing.T) {
	cases := []struct {
		name  string
		other func(t *testing.T) sweepRecord // shard 1/3 next to shards 0/3 and 2/3 of 1..30
		want  string
	}{
		{"another suite", func(t *testing.T) sweepRecord {
			r := fakeShard(t, 1, 3, "1..30")
			r.Suite = "keys-crashes"
			return r
		}, "shards of different suites or stories: B/sweep.json has suite register-partitions, C/sweep.json has suite keys-crashes"},
		{"a bug", func(t *testing.T) sweepRecord {
			r := fakeShard(t, 1, 3, "1..30")
			r.Bug = "local-quorum-reads"
			return r
		}, "shards of different bugs: B/sweep.json has no bug, C/sweep.json has bug local-quorum-reads"},
		{"other seeds", func(t *testing.T) sweepRecord { return fakeShard(t, 1, 3, "1..33") },
			"shards of different seed ranges: B/sweep.json has seeds 1..30, C/sweep.json has seeds 1..33"},
		{"another shard count", func(t *testing.T) sweepRecord { return fakeShard(t, 1, 4, "1..30") },
			"shards of different shard counts: B/sweep.json has 3 shards, C/sweep.json has 4 shards"},
		{"other code", func(t *testing.T) sweepRecord {
			r := fakeShard(t, 1, 3, "1..30")
			r.Version.Modified = true
			return r
		}, "shards of different code versions: B/sweep.json has revision abc123, go1.26.8, C/sweep.json has revision abc123 (modified), go1.26.8"},
		{"another toolchain", func(t *testing.T) sweepRecord {
			r := fakeShard(t, 1, 3, "1..30")
			r.Version.Go = "go1.25.0"
			return r
		}, "shards of different code versions"},
		{"a duplicate", func(t *testing.T) sweepRecord { return fakeShard(t, 0, 3, "1..30") },
			"shard 0/3 given twice: B/sweep.json and C/sweep.json"},
		{"the wrong seeds", func(t *testing.T) sweepRecord {
			r := fakeShard(t, 1, 3, "1..30")
			r.Shard.Seeds = "12..20"
			return r
		}, "C/sweep.json: shard 1/3 of seeds 1..30 should hold seeds 11..20, it holds 12..20"},
		{"a seed left out", func(t *testing.T) sweepRecord {
			r := fakeShard(t, 1, 3, "1..30")
			r.Results = r.Results[1:]
			return r
		}, "C/sweep.json: shard 1/3 has 9 results for the 10 seeds 11..20"},
		{"not a shard", func(t *testing.T) sweepRecord {
			r := fakeShard(t, 1, 3, "1..30")
			r.Shard = nil
			return r
		}, "C/sweep.json is not a shard (a sweep run without --shard, or a merged one)"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			base := t.TempDir()
			t.Chdir(base)
			writeFakeShard(t, base, "B", fakeShard(t, 0, 3, "1..30"))
			writeFakeShard(t, base, "C", tc.other(t))
			writeFakeShard(t, base, "D", fakeShard(t, 2, 3, "1..30"))
			r := runLabd(t, "merge", "--out", "merged", "B", "C", "D")
			assert.Equal(t, exitUsage, r.code)
			assert.Contains(t, r.stderr, tc.want)
			assert.NoDirExists(t, filepath.Join(base, "merged"), "nothing written")
		})
	}
}

func TestMergeSaysWhichShardsAreMissing(t *testing.T) {
	base := t.TempDir()
	t.Chdir(base)
	writeFakeShard(t, base, "s0", fakeShard(t, 0, 4, "1..40"))
	writeFakeShard(t, base, "s2", fakeShard(t, 2, 4, "1..40"))
	r := runLabd(t, "merge", "--out", "merged", "s0", "s2")
	assert.Equal(t, exitUsage, r.code)
	assert.Contains(t, r.stderr, "missing shards 1/4 (seeds 11..20), 3/4 (seeds 31..40); have 0/4 (s0/sweep.json), 2/4 (s2/sweep.json)")

	writeFakeShard(t, base, "s1", fakeShard(t, 1, 4, "1..40"))
	r = runLabd(t, "merge", "--out", "merged", "s0", "s1", "s2")
	assert.Contains(t, r.stderr, "missing shard 3/4 (seeds 31..40); have 0/4")

	writeFakeShard(t, base, "s3", fakeShard(t, 3, 4, "1..40"))
	r = runLabd(t, "merge", "--out", "merged", "s3", "s1", filepath.Join("s0", sweepFile), "s2")
	require.Equal(t, exitOK, r.code, r.stderr)
	got := readSweepFile(t, filepath.Join(base, "merged"))
	assert.Equal(t, 40, got.Runs)
	assert.Equal(t, int64(4e9), got.WallNs, "the shards' wall times add up")
	for i, res := range got.Results {
		assert.Equal(t, uint64(i+1), res.Seed, "seeds in order, whatever the order of the shards")
	}
}

func TestMergeRefusesBadInput(t *testing.T) {
	base := t.TempDir()
	t.Chdir(base)
	r := runLabd(t, "merge")
	assert.Equal(t, exitUsage, r.code)
	assert.Contains(t, r.stderr, "want 1 to 100000 arguments, got 0")

	r = runLabd(t, "merge", base)
	assert.Equal(t, exitUsage, r.code)
	assert.Contains(t, r.stderr, "no sweep.json: not the output of labd sweep")

	require.NoError(t, os.WriteFile(filepath.Join(base, sweepFile), []byte(`{"seeds":"1..3"}`), 0o644))
	r = runLabd(t, "merge", base)
	assert.Equal(t, exitUsage, r.code)
	assert.Contains(t, r.stderr, "sweep result format 0, this labd reads format 2")

	writeFakeShard(t, base, "only", fakeShard(t, 0, 1, "1..5"))
	r = runLabd(t, "merge", "--out", "only", "only")
	assert.Equal(t, exitUsage, r.code)
	assert.Contains(t, r.stderr, "--out only is one of the shards")
}
