package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/raftlab/raftlab/checker"
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
	assert.Equal(t, sweepRecord{Format: sweepFormat, Suite: "register-partitions", Seeds: "1..3", Runs: 3, Passed: 3,
		OpsChecked: rec.OpsChecked, VirtualNs: rec.VirtualNs, WallNs: rec.WallNs, Version: currentVersion(""),
		Results: rec.Results, Marks: rec.Marks}, rec)
	assert.Positive(t, rec.OpsChecked)
	assert.Len(t, rec.Marks, len(mark.All()), "sweep.json lists every coverage mark")
	assert.Positive(t, rec.Marks["raft.proposal-forwarded"])
	assert.Contains(t, r.stdout, "coverage marks: ")
	assert.Positive(t, rec.VirtualNs)
	require.Len(t, rec.Results, 3)
	for i, r := range rec.Results {
		assert.Equal(t, uint64(i+1), r.Seed)
		assert.Equal(t, verdictPass, r.Verdict)
		assert.Regexp(t, `^[0-9a-f]{16}$`, r.TraceHash)
		assert.Positive(t, r.OpsChecked)
		assert.Positive(t, r.VirtualNs)
		assert.Positive(t, r.WallNs)
		assert.Empty(t, r.Problems)
		assert.Equal(t, fmt.Sprintf("go run ./cmd/labd replay register-partitions --seed %d --trace %s", i+1, r.TraceHash), r.Replay)
		assert.Empty(t, r.Report, "a seed that passed has no report of its own")
	}
}

// TestSweepKnownBugSucceedsWhenFound: a known-bug sweep exits 0 having found its bug, says so, and
// every seed that found it replays alone, bit for bit, with the printed command and from its report.
func TestSweepKnownBugSucceedsWhenFound(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "sweep")
	r := runLabd(t, "sweep", "register-partitions", "--seeds", "5..8", "--bug", "local-quorum-reads", "--out", dir)
	require.Equal(t, exitOK, r.code, "stdout:\n%s\nstderr:\n%s", r.stdout, r.stderr)
	var rec sweepRecord
	data, err := os.ReadFile(filepath.Join(dir, sweepFile))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(data, &rec))
	require.NotEmpty(t, rec.FailedSeeds)
	assert.True(t, rec.KnownBug)
	assert.Contains(t, r.stdout, fmt.Sprintf("known bug found in %d of 4 seeds\n", len(rec.FailedSeeds)))
	page, err := os.ReadFile(filepath.Join(dir, reports.IndexFile))
	require.NoError(t, err)
	assert.Contains(t, string(page), fmt.Sprintf("known bug found in %d of 4 seeds", len(rec.FailedSeeds)))
	assert.NotContains(t, string(page), "FAILED")

	seed := rec.FailedSeeds[0]
	seedDir := filepath.Join(dir, fmt.Sprintf("seed-%d", seed))
	replay := regexp.MustCompile(fmt.Sprintf(`replay: go run ./cmd/labd replay register-partitions --seed %d --bug local-quorum-reads --trace ([0-9a-f]{16})\n`, seed)).
		FindStringSubmatch(r.stdout)
	require.NotNil(t, replay, r.stdout)
	assert.Contains(t, r.stdout, "report: "+filepath.Join(seedDir, reports.IndexFile))

	// The printed command reruns that seed alone and gives the same trace.
	again := runLabd(t, "replay", "register-partitions", "--seed", fmt.Sprint(seed), "--bug", "local-quorum-reads", "--trace", replay[1])
	assert.Equal(t, exitOK, again.code, again.stderr)
	assert.Contains(t, again.stdout, "known bug found")
	assert.Contains(t, again.stdout, "replayed bit-for-bit: trace hash "+replay[1])

	// So does its report directory, which keeps the history, its visualisation and run.json.
	for _, f := range []string{historyFile, checker.VisualizationFile, runFile, reports.IndexFile} {
		assert.FileExists(t, filepath.Join(seedDir, f))
	}
	fromDir := runLabd(t, "replay", seedDir)
	assert.Equal(t, exitOK, fromDir.code, fromDir.stderr)
	assert.Contains(t, fromDir.stdout, "replayed bit-for-bit: trace hash "+replay[1])

	// And `labd check` gives its history the verdict the sweep gave the seed.
	check := runLabd(t, "check", filepath.Join(seedDir, historyFile), "--out", t.TempDir())
	assert.Equal(t, exitFailed, check.code)
	assert.Contains(t, check.stdout, "NOT linearizable")
}

// TestSweepTheCorrectControlOfABugSuite: NAME/correct is a suite name, not a story path.
func TestSweepTheCorrectControlOfABugSuite(t *testing.T) {
	r := runLabd(t, "sweep", "bug-local-quorum-reads/correct", "--seeds", "1..2", "--reports", "none", "--out", t.TempDir())
	require.Equal(t, exitOK, r.code, "stdout:\n%s\nstderr:\n%s", r.stdout, r.stderr)
	assert.Contains(t, r.stdout, "sweep bug-local-quorum-reads/correct, seeds 1..2\n")
	assert.NotContains(t, r.stdout, "known bug")
	again := runLabd(t, "replay", "bug-local-quorum-reads/correct", "--seed", "2")
	assert.Equal(t, exitOK, again.code, again.stderr)
	assert.Contains(t, again.stdout, "bug-local-quorum-reads/correct seed 2: passed")
}

// TestSweepKnownBugNotFoundFails: a known-bug sweep that finds nothing exits 1.
func TestSweepKnownBugNotFoundFails(t *testing.T) {
	assert.Equal(t, exitFailed, sweepExit(sweepRecord{KnownBug: true, Runs: 3, Passed: 3}))
	assert.Equal(t, exitOK, sweepExit(sweepRecord{KnownBug: true, Runs: 3, Passed: 2, Failed: 1}))
	assert.Equal(t, exitOK, sweepExit(sweepRecord{Runs: 3, Passed: 3}))
	assert.Equal(t, exitFailed, sweepExit(sweepRecord{Runs: 3, Passed: 2, Failed: 1}))
}

// TestSweepAStory: a story sweeps like a suite; a seed that fails an expectation keeps the story's
// own report, which replays.
func TestSweepAStory(t *testing.T) {
	path := writeStory(t, "picky", func(s string) string {
		// Only some seeds elect n3: the others fail this line.
		return strings.Replace(s, "let new-leader = leader\n", "let new-leader = leader\nexpect leader n3\n", 1)
	})
	dir := filepath.Join(t.TempDir(), "sweep")
	r := runLabd(t, "sweep", path, "--seeds", "1..6", "--out", dir)
	require.Equal(t, exitFailed, r.code, "stdout:\n%s\nstderr:\n%s", r.stdout, r.stderr)
	assert.Contains(t, r.stdout, "sweep picky, seeds 1..6\n")
	var rec sweepRecord
	data, err := os.ReadFile(filepath.Join(dir, sweepFile))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(data, &rec))
	assert.Equal(t, "picky", rec.Story)
	require.NotEmpty(t, rec.FailedSeeds)
	require.Less(t, len(rec.FailedSeeds), 6)
	seed := rec.FailedSeeds[0]
	assert.Contains(t, r.stdout, fmt.Sprintf("replay: go run ./cmd/labd replay %s --seed %d --trace ", path, seed))
	assert.Contains(t, r.stdout, "expected leader n3, got leader")

	seedDir := filepath.Join(dir, fmt.Sprintf("seed-%d", seed))
	for _, f := range []string{historyFile, checker.VisualizationFile, runFile, storyCopy} {
		assert.FileExists(t, filepath.Join(seedDir, f))
	}
	fromDir := runLabd(t, "replay", seedDir)
	assert.Equal(t, exitOK, fromDir.code, fromDir.stderr)
	assert.Contains(t, fromDir.stdout, "replayed bit-for-bit")

	ok := runLabd(t, "sweep", "much-wow-cool", "--seeds", "1..20", "--reports", "none", "--out", t.TempDir())
	assert.Equal(t, exitOK, ok.code, ok.stdout)
	assert.Regexp(t, `\n20 +20 +0 `, ok.stdout)
}

// TestReplayADirectoryThatIsNoReport says what is wrong instead of "is a directory".
func TestReplayADirectoryThatIsNoReport(t *testing.T) {
	r := runLabd(t, "replay", t.TempDir())
	assert.Equal(t, exitUsage, r.code)
	assert.Contains(t, r.stderr, "is a directory but not a labd report (it has no run.json)")
	r = runLabd(t, "replay", "keys-crashes")
	assert.Equal(t, exitUsage, r.code)
	assert.Contains(t, r.stderr, "which seed? (--seed N)")
	r = runLabd(t, "replay", "keys-crashes", "--seed", "1", "--trace", "nope")
	assert.Equal(t, exitUsage, r.code)
}

func TestSweepUnknownSuiteListsTheKnownOnes(t *testing.T) {
	r := runLabd(t, "sweep", "no-such-suite", "--seeds", "1..2")
	assert.Equal(t, exitUsage, r.code)
	assert.Contains(t, r.stderr, `"no-such-suite" is neither a story nor a suite; known stories: `)
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
	rec := newSweepRecord(sweepPlan{Suite: suite.Suite{Name: "s"}, Seeds: seedRange{From: 10, To: 29}}, nil, codeVersion{}, outcomes, 0)
	// seeds 10, 15, 20, 25 fail their checks; 13 and 17 could not run.
	assert.Equal(t, []uint64{10, 13, 15, 17, 20, 25}, rec.FailedSeeds)
	assert.Equal(t, []int{20, 14, 6}, []int{rec.Runs, rec.Passed, rec.Failed})
	assert.Equal(t, verdictFail, rec.Results[3].Verdict)
	assert.Equal(t, []string{"error: cannot start"}, rec.Results[3].Problems)
	assert.Empty(t, rec.Results[3].TraceHash, "a seed that could not run has no trace")
}

func TestSweepPageLinksAReportForEachRun(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "sweep")
	r := runLabd(t, "sweep", "register-partitions", "--seeds", "1..3", "--reports", "all", "--out", dir)
	require.Equal(t, exitOK, r.code, "stdout:\n%s\nstderr:\n%s", r.stdout, r.stderr)
	page, err := os.ReadFile(filepath.Join(dir, reports.IndexFile))
	require.NoError(t, err)
	for seed := 1; seed <= 3; seed++ {
		link := fmt.Sprintf("seed-%d/index.html", seed)
		assert.Contains(t, string(page), link)
		seedPage, err := os.ReadFile(filepath.Join(dir, link))
		require.NoError(t, err, "the linked report exists")
		assert.Contains(t, string(seedPage), fmt.Sprintf("go run ./cmd/labd replay register-partitions --seed %d --trace ", seed))
		assert.FileExists(t, filepath.Join(dir, fmt.Sprintf("seed-%d", seed), "timeline.png"))
	}

	failedOnly := filepath.Join(t.TempDir(), "failed-only")
	r = runLabd(t, "sweep", "register-partitions", "--seeds", "1..2", "--out", failedOnly)
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.NoDirExists(t, filepath.Join(failedOnly, "seed-1"), "by default only a seed that failed keeps its report")

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
		passed bool
		want   bool
	}{
		{reportsAll, true, true}, {reportsFailed, true, false}, {reportsFailed, false, true},
		{reportsNone, false, false},
	}
	for _, tc := range cases {
		assert.Equal(t, tc.want, wantsReport(tc.policy, tc.passed), "%+v", tc)
	}
}
