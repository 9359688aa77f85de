package main

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/raftlab/raftlab/checker"
	"github.com/raftlab/raftlab/checker/history"
	"github.com/raftlab/raftlab/reports"
	"github.com/raftlab/raftlab/scenarios/etcdref"
	"github.com/raftlab/raftlab/scenarios/realproc"
)

// testKvd is kvd, built once for the tests that run real processes, in dir (removed by TestMain).
var testKvd struct {
	once sync.Once
	dir  string
	path string
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if testKvd.dir != "" {
		_ = os.RemoveAll(testKvd.dir)
	}
	os.Exit(code)
}

// buildTestKvd builds cmd/kvd for a test that runs real processes (once per test binary).
func buildTestKvd(t *testing.T) string {
	t.Helper()
	testKvd.once.Do(func() {
		dir, err := os.MkdirTemp("", "labd-test-kvd-")
		if err != nil {
			testKvd.err = err
			return
		}
		testKvd.dir = dir
		ctx, cancel := context.WithTimeout(context.Background(), buildTimeout)
		defer cancel()
		bins, err := realproc.BuildCommands(ctx, dir, false, "kvd")
		if err != nil {
			testKvd.err = err
			return
		}
		testKvd.path = bins[0]
	})
	require.NoError(t, testKvd.err, "build kvd")
	return testKvd.path
}

// runRealStory runs `labd real` on a story with up to three attempts: real processes are not
// deterministic, and a loaded machine can upset a story's timing (each failure is logged in full).
func runRealStory(t *testing.T, args ...string) (stdout, stderr *bytes.Buffer, report string) {
	t.Helper()
	code := -1
	for attempt := 1; attempt <= 3 && code != exitOK; attempt++ {
		report = filepath.Join(t.TempDir(), "report")
		stdout, stderr = &bytes.Buffer{}, &bytes.Buffer{}
		code = run(append(append([]string{"real"}, args...), "--out", report), stdout, stderr)
		if code != exitOK {
			t.Logf("attempt %d failed:\n%s\n%s", attempt, stdout.String(), stderr.String())
		}
	}
	require.Equal(t, exitOK, code, "stdout:\n%s\nstderr:\n%s", stdout.String(), stderr.String())
	return stdout, stderr, report
}

// readHistory reads a report's history file.
func readHistory(t *testing.T, report string) []history.Op {
	t.Helper()
	f, err := os.Open(filepath.Join(report, historyFile))
	require.NoError(t, err)
	defer f.Close()
	ops, err := history.ReadHistory(f)
	require.NoError(t, err)
	return ops
}

// TestRealMuchWowCoolPassesOnKvd runs the talk's story on five kvd processes through the real
// driver: the partition is the proxies', the roles and terms the servers' own, and what real
// processes cannot show (the log tables) is skipped, in the terminal and in the report.
func TestRealMuchWowCoolPassesOnKvd(t *testing.T) {
	if testing.Short() {
		t.Skip("runs five real kvd processes")
	}
	low := 21000 + rand.IntN(10000) // below the ephemeral ports outgoing connections take
	ports := fmt.Sprintf("%d-%d", low, low+59)
	stdout, _, report := runRealStory(t, "much-wow-cool", "--server-bin", buildTestKvd(t), "--ports", ports)
	text := stdout.String()
	assert.Contains(t, text, "n1 campaigns and leads in term")
	assert.Contains(t, text, "fault: partition {n1,n2} {n3,n4,n5}")
	// cool, or wow: kvd may submit the write of wow's client, who gave up, again after the heal.
	assert.Regexp(t, `client: qget /message( on n\d)? -> ok, value (cool|wow)`, text)
	assert.Contains(t, text, "SKIPPED expect log {n1,n2}: logs cannot be seen from outside the servers",
		"log tables are reported as skipped, not ignored and not passed")
	assert.Regexp(t, `story much-wow-cool passed on kvd .* \(\d+ skipped\)`, text)

	for _, f := range []string{reports.IndexFile, historyFile, storyCopy, "timeline.png", "timeline.svg"} {
		assert.FileExists(t, filepath.Join(report, f))
	}
	page, err := os.ReadFile(filepath.Join(report, reports.IndexFile))
	require.NoError(t, err)
	assert.Contains(t, string(page), "<dt>Wall time</dt>", "a real run's time is wall time")
	assert.NotContains(t, string(page), "Virtual time")
	assert.NotContains(t, string(page), "empty log", "no empty tables stand for logs nobody saw")
	assert.Contains(t, string(page), `<tr class="skipped">`, "log expectations count as skipped")
	assert.Contains(t, string(page), `<td class="outcome">skipped</td>`, "a skipped assertion shows as skipped")
	assert.Regexp(t, `passed, \d+ skipped\)`, string(page))
	assert.Contains(t, string(page), `id="nologs"`, "the slides say they show no logs")
	assert.Contains(t, stdout.String(), "--ports "+ports, "the command to run it again keeps the ports")

	hist := readHistory(t, report)
	require.Len(t, hist, 4, "much, wow, cool and the quorum read")
	v := checker.Check(hist, checker.Options{})
	assert.True(t, v.Linearizable, "%v", v.Problems)
	for _, op := range hist {
		assert.GreaterOrEqual(t, op.Return, op.Call, "real call and return times: %s", op)
	}
}

// TestRealMembershipPassesOnKvd grows a kvd cluster from three to five members (each new member a
// process started with --initial-cluster-state existing), removes its leader and another member.
func TestRealMembershipPassesOnKvd(t *testing.T) {
	if testing.Short() {
		t.Skip("runs real kvd processes")
	}
	stdout, _, report := runRealStory(t, "membership", "--server-bin", buildTestKvd(t))
	text := stdout.String()
	assert.Contains(t, text, "membership: member add n4 (id 4) (as add4)")
	assert.Contains(t, text, "membership: member remove n2 (as rm2)")
	assert.Regexp(t, `client: qget /config on n\d -> ok, value v5`, text)
	assert.NotContains(t, text, "FAILED")
	assert.True(t, checker.Check(readHistory(t, report), checker.Options{}).Linearizable)
}

// TestRealCompareAndSwapPassesOnEtcd runs a story about behaviour etcd promises too on the real etcd:
// the same executor and driver, another server binary.
func TestRealCompareAndSwapPassesOnEtcd(t *testing.T) {
	if testing.Short() {
		t.Skip("runs real etcd processes")
	}
	ctx, cancel := context.WithTimeout(context.Background(), buildTimeout)
	defer cancel()
	ref, err := etcdref.Build(ctx)
	require.NoError(t, err)
	stdout, _, report := runRealStory(t, "compare-and-swap", "--server-bin", ref.Etcd)
	text := stdout.String()
	assert.Contains(t, text, "on etcd "+etcdref.Version, "the narrative says which server ran")
	assert.Regexp(t, `client: cas /foo two three on n\d -> fail: 101: Compare failed \(\[two != one\]\)`, text)
	assert.Contains(t, text, "one winner: ")
	assert.NotContains(t, text, "FAILED")
	page, err := os.ReadFile(filepath.Join(report, reports.IndexFile))
	require.NoError(t, err)
	assert.Contains(t, string(page), "etcd "+etcdref.Version)
}

// failingStory expects the wrong leader and asks for a disk fault that real processes cannot have.
const failingStory = `story real-failing
title "a wrong expectation on real processes"
cluster n1 n2 n3 n4
seed 7
heartbeat 50ms
election 500ms
latency 1ms..2ms

step "n1 wins, but the story expects n2"
campaign n1
wait until leader elected within 5s
expect leader n2
disk fail-sync n3
set /k v on leader as w
expect w ok
expect linearizable
`

func TestRealFailedExpectationExitsOneAndSkipsDiskFaults(t *testing.T) {
	if testing.Short() {
		t.Skip("runs four real kvd processes")
	}
	code, stdout, stderr := runRealStoryText(t, "real-failing.story", failingStory)
	require.Equal(t, exitFailed, code, "stdout:\n%s", stdout.String())
	assert.Regexp(t, `real-failing.story:12: expected leader n2, got leader n1 in term \d+`, stderr.String())
	assert.Contains(t, stdout.String(), "SKIPPED nemesis: disk fail-sync n3: disk faults (failed fsyncs, a full disk) cannot be injected into a real process")
	assert.Contains(t, stdout.String(), "real-failing.story:13: nemesis: disk fail-sync n3: disk faults", "the skip is listed with its line")
	assert.Regexp(t, `client: set /k v on n\d -> ok`, stdout.String(), "the statements after a failure still run")
}

func TestRealUsageErrors(t *testing.T) {
	var stdout, stderr bytes.Buffer
	assert.Equal(t, exitUsage, run([]string{"real"}, &stdout, &stderr))
	assert.Equal(t, exitUsage, run([]string{"real", "no-such-story"}, &stdout, &stderr))
	assert.Contains(t, stderr.String(), "no-such-story")
	stderr.Reset()
	assert.Equal(t, exitUsage, run([]string{"real", "much-wow-cool", "--server", "zookeeper"}, &stdout, &stderr))
	assert.Contains(t, stderr.String(), `--server is kvd or etcd, not "zookeeper"`)
}

func TestFlavorOfReadsTheVersionLine(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	dir := t.TempDir()
	fake := filepath.Join(dir, "fake-etcd")
	require.NoError(t, os.WriteFile(fake, []byte("#!/bin/sh\necho 'etcd Version: 3.5.33'\n"), 0o755))
	assert.Equal(t, realproc.Etcd, flavorOf(ctx, fake))
	other := filepath.Join(dir, "other")
	require.NoError(t, os.WriteFile(other, []byte("#!/bin/sh\necho 'flag provided but not defined: -version' >&2\nexit 2\n"), 0o755))
	assert.Equal(t, realproc.Kvd, flavorOf(ctx, other))
}

// TestRealWatchStoryPassesOnRealProcesses runs the talk's watch story on three kvd processes: the
// recursive watch sees every backend registered, removed and expired, across a kill -9 of the leader
// (the watcher moves to another member and resumes from the index it is owed).
func TestRealWatchStoryPassesOnRealProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("runs three real kvd processes")
	}
	stdout, _, report := runRealStory(t, "watch", "--server-bin", buildTestKvd(t))
	assert.Contains(t, stdout.String(), "client: watch /web-service/backends recursive from index")
	assert.NotContains(t, stdout.String(), "FAILED", "every `expect watch` held")
	assert.Contains(t, stdout.String(), "SKIPPED the watchers are not checked against every committed event")

	// The history records the expiry, so the local read that finds b3 gone is right, not stale, and
	// `labd check` agrees with the run.
	ops := readHistory(t, report)
	expired := 0
	for _, op := range ops {
		if op.Kind == history.KindExpire && op.Key == "/web-service/backends/b3" {
			expired++
		}
	}
	assert.Equal(t, 1, expired, "one expire record for b3")
	v := checker.Check(ops, checker.Options{})
	assert.True(t, v.Linearizable, "%q", v.Problems)
	assert.Zero(t, v.StaleReads, "%q", v.Stale)
}

// watchMismatchStory expects a watch to have seen an event that never happened.
const watchMismatchStory = `story real-watch-mismatch
title "A watch expectation that does not hold"
cluster n1 n2 n3
heartbeat 100ms
election 1000ms

step "watch and write"
wait until leader elected within 10s
watch /svc recursive as svc
set /svc/a 1 as a
expect a ok
expect watch svc events: set /svc/a, set /svc/b
`

func TestRealWatchMismatchFails(t *testing.T) {
	if testing.Short() {
		t.Skip("runs three real kvd processes")
	}
	code, stdout, stderr := runRealStoryText(t, "real-watch-mismatch.story", watchMismatchStory)
	require.Equal(t, exitFailed, code, "stdout:\n%s", stdout.String())
	assert.Contains(t, stderr.String(), "expected watch svc events: set /svc/a, set /svc/b, got: set /svc/a")
}

// runRealStoryText writes a story to a file called name and runs `labd real` on it once.
func runRealStoryText(t *testing.T, name, text string) (int, *bytes.Buffer, *bytes.Buffer) {
	t.Helper()
	kvd := buildTestKvd(t)
	dir := t.TempDir()
	path := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(path, []byte(text), 0o644))
	var stdout, stderr bytes.Buffer
	code := run([]string{"real", path, "--server-bin", kvd, "--out", filepath.Join(dir, "report")}, &stdout, &stderr)
	return code, &stdout, &stderr
}
