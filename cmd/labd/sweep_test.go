package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/raftlab/raftlab/core/mark"
	"github.com/raftlab/raftlab/reports"
	"github.com/raftlab/raftlab/scenarios/suite"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSweepPrintsTheSummaryTable(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "sweep")
	r := runLabd(t, "sweep", "register-partitions", "--seeds", "1..3", "--parallel", "2", "--out", dir)
	require.Equal(t, exitOK, r.code, "stdout:\n%s\nstderr:\n%s", r.stdout, r.stderr)
	assert.Contains(t, r.stdout, "sweep register-partitions, seeds 1..3\n")
	assert.Regexp(t, `runs +passed +violations +ops checked +virtual time +wall time\n3 +3 +0 +[1-9][0-9]* +\d`, r.stdout)
	assert.Contains(t, r.stderr, "[3/3] 100% 0 failed", "progress on stderr")
	assert.NotContains(t, r.stdout, "failures:")

	page, err := os.ReadFile(filepath.Join(dir, reports.IndexFile))
	require.NoError(t, err)
	assert.Contains(t, string(page), "register-partitions")
	var rec sweepRecord
	data, err := os.ReadFile(filepath.Join(dir, sweepFile))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(data, &rec))
	assert.Equal(t, sweepRecord{Suite: "register-partitions", Seeds: "1..3", Runs: 3, Passed: 3,
		OpsChecked: rec.OpsChecked, VirtualNs: rec.VirtualNs, WallNs: rec.WallNs, Marks: rec.Marks}, rec)
	assert.Positive(t, rec.OpsChecked)
	assert.Len(t, rec.Marks, len(mark.All()), "sweep.json lists every coverage mark")
	assert.Positive(t, rec.Marks["raft.proposal-forwarded"])
	assert.Contains(t, r.stdout, "coverage marks: ")
	assert.Positive(t, rec.VirtualNs)
}

func TestSweepKnownBugFailsWithReplayCommands(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "sweep")
	r := runLabd(t, "sweep", "register-partitions", "--seeds", "1..4", "--bug", "local-quorum-reads", "--out", dir)
	require.Equal(t, exitFailed, r.code, "stdout:\n%s\nstderr:\n%s", r.stdout, r.stderr)
	assert.Contains(t, r.stdout, "known bug: the lab found it in ")
	var rec sweepRecord
	data, err := os.ReadFile(filepath.Join(dir, sweepFile))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(data, &rec))
	require.NotEmpty(t, rec.FailedSeeds)
	for _, seed := range rec.FailedSeeds {
		assert.Contains(t, r.stdout, fmt.Sprintf("seed %d: ", seed))
		assert.Contains(t, r.stdout, fmt.Sprintf(
			"replay: go run ./cmd/labd sweep register-partitions --seeds %d..%d --bug local-quorum-reads", seed, seed))
	}

	// The replay command reruns that seed alone and finds the same thing.
	seed := rec.FailedSeeds[0]
	again := runLabd(t, "sweep", "register-partitions", "--seeds", fmt.Sprintf("%d..%d", seed, seed),
		"--bug", "local-quorum-reads", "--out", t.TempDir())
	assert.Equal(t, exitFailed, again.code)
	assert.Contains(t, again.stdout, fmt.Sprintf("seed %d: ", seed))
}

func TestSweepUnknownSuiteListsTheKnownOnes(t *testing.T) {
	r := runLabd(t, "sweep", "no-such-suite", "--seeds", "1..2")
	assert.Equal(t, exitUsage, r.code)
	assert.Contains(t, r.stderr, `unknown suite "no-such-suite"; known suites: `)
	assert.Contains(t, r.stderr, "register-partitions")
}

func TestSweepSeedsRunsEverySeedOnceInOrder(t *testing.T) {
	var calls atomic.Int64
	var progress []int
	outcomes := sweepSeeds(seedRange{From: 10, To: 29}, 3, func(seed uint64) (*suite.Summary, error) {
		calls.Add(1)
		switch {
		case seed == 13:
			return nil, errors.New("cannot start")
		case seed == 17:
			panic("boom")
		}
		return &suite.Summary{Seed: seed, Passed: seed%5 != 0, Ops: int(seed)}, nil
	}, func(done, failed int) { progress = append(progress, done) })

	require.Len(t, outcomes, 20)
	assert.Equal(t, int64(20), calls.Load())
	for i, o := range outcomes {
		assert.Equal(t, uint64(10+i), o.Seed)
	}
	assert.Equal(t, []string{"error: cannot start"}, outcomes[3].problems())
	assert.Equal(t, []string{"error: panic: boom"}, outcomes[7].problems())
	for i := range progress {
		assert.Equal(t, i+1, progress[i])
	}
	totals := sumSweep(outcomes)
	// seeds 10, 15, 20, 25 fail their checks; 13 and 17 could not run.
	assert.Equal(t, sweepTotals{Runs: 20, Passed: 14, Failed: 6, Ops: totals.Ops}, totals)
}

func TestPlural(t *testing.T) {
	assert.Equal(t, "1 problem", plural(1, "problem"))
	assert.Equal(t, "2 problems", plural(2, "problem"))
	assert.True(t, strings.HasPrefix(plural(0, "run"), "0 runs"))
}

func TestSweepPageLinksAReportForEachRun(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "sweep")
	r := runLabd(t, "sweep", "register-partitions", "--seeds", "1..3", "--out", dir)
	require.Equal(t, exitOK, r.code, "stdout:\n%s\nstderr:\n%s", r.stdout, r.stderr)
	page, err := os.ReadFile(filepath.Join(dir, reports.IndexFile))
	require.NoError(t, err)
	for seed := 1; seed <= 3; seed++ {
		link := fmt.Sprintf("seed-%d/index.html", seed)
		assert.Contains(t, string(page), link)
		seedPage, err := os.ReadFile(filepath.Join(dir, link))
		require.NoError(t, err, "the linked report exists")
		assert.Contains(t, string(seedPage), fmt.Sprintf("go run ./cmd/labd sweep register-partitions --seeds %d..%d", seed, seed))
		assert.FileExists(t, filepath.Join(dir, fmt.Sprintf("seed-%d", seed), "timeline.png"))
	}

	none := filepath.Join(t.TempDir(), "none")
	r = runLabd(t, "sweep", "register-partitions", "--seeds", "1..2", "--reports", "none", "--out", none)
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.NoDirExists(t, filepath.Join(none, "seed-1"))

	r = runLabd(t, "sweep", "register-partitions", "--seeds", "1..2", "--reports", "sometimes")
	assert.Equal(t, exitUsage, r.code)
	assert.Contains(t, r.stderr, "--reports")
}

func TestWantsReport(t *testing.T) {
	cases := []struct {
		policy string
		seeds  int
		passed bool
		want   bool
	}{
		{reportsAuto, 10, true, true}, {reportsAuto, 1000, true, false}, {reportsAuto, 1000, false, true},
		{reportsAll, 1000, true, true}, {reportsFailed, 10, true, false}, {reportsFailed, 10, false, true},
		{reportsNone, 10, false, false},
	}
	for _, tc := range cases {
		assert.Equal(t, tc.want, wantsReport(tc.policy, tc.seeds, tc.passed), "%+v", tc)
	}
}
