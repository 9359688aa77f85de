package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestReplayReportDirIsBitForBit(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "r")
	runStoryInto(t, "much-wow-cool", dir)
	rec, err := readRecord(dir)
	require.NoError(t, err)

	r := runLabd(t, "replay", dir)
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Equal(t, "replayed bit-for-bit: trace hash "+rec.TraceHash+"\n", r.stdout)
}

func TestReplayUsesTheRecordedStoryCopy(t *testing.T) {
	// A report of a story file replays even after the file is gone.
	path := writeStory(t, "gone", func(s string) string { return s })
	dir := filepath.Join(t.TempDir(), "r")
	runStoryInto(t, path, dir)
	require.NoError(t, os.Remove(path))
	r := runLabd(t, "replay", dir)
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Contains(t, r.stdout, "replayed bit-for-bit")
}

func TestReplayMismatchIsReported(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "r")
	runStoryInto(t, "much-wow-cool", dir)
	rec, err := readRecord(dir)
	require.NoError(t, err)
	rec.TraceHash = "0000000000000000"
	require.NoError(t, writeRecord(dir, rec))

	r := runLabd(t, "replay", dir)
	assert.Equal(t, exitFailed, r.code)
	assert.Contains(t, r.stderr, "replay MISMATCH")
	assert.Contains(t, r.stderr, dir+" has 0000000000000000")
}

func TestReplayStoryAndSeedComparesWithTheRecordedRun(t *testing.T) {
	base := t.TempDir()
	runStoryInto(t, "much-wow-cool", filepath.Join(base, "much-wow-cool-seed3"), "--seed", "3")
	rec, err := readRecord(filepath.Join(base, "much-wow-cool-seed3"))
	require.NoError(t, err)

	r := runLabd(t, "replay", "much-wow-cool", "--seed", "3", "--dir", base)
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Equal(t, "replayed bit-for-bit: trace hash "+rec.TraceHash+"\n", r.stdout)

	// Without a recorded run a second run is the reference.
	r = runLabd(t, "replay", "much-wow-cool", "--seed", "4", "--dir", base)
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Contains(t, r.stdout, "comparing with a second run")
	assert.Contains(t, r.stdout, "replayed bit-for-bit: trace hash ")
	assert.NotContains(t, r.stdout, rec.TraceHash, "another seed, another trace")
}

func TestReplayBadInput(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "r")
	runStoryInto(t, "much-wow-cool", dir)
	r := runLabd(t, "replay", dir, "--seed", "2")
	assert.Equal(t, exitUsage, r.code)
	assert.Contains(t, r.stderr, "a report directory records its own")

	empty := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(empty, runFile), []byte("{not json"), 0o644))
	r = runLabd(t, "replay", empty)
	assert.Equal(t, exitUsage, r.code)
	assert.True(t, strings.HasPrefix(r.stderr, "labd replay: read "), r.stderr)
}

func TestReplayVerboseStreamsTheNarrative(t *testing.T) {
	r := runLabd(t, "replay", "much-wow-cool", "-v", "--dir", t.TempDir())
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Contains(t, r.stdout, "Uncommitted entries from disconnected nodes are discarded")
}

// TestReplaySuiteVerbosePrintsTheTrace: -v on a suite seed prints the simulator's trace (boots,
// roles, client calls) and still checks the trace hash against a second run.
func TestReplaySuiteVerbosePrintsTheTrace(t *testing.T) {
	r := runLabd(t, "replay", "narrow-deposed-leader-read", "--seed", "1", "-v")
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Contains(t, r.stdout, " boot     n1   incarnation=1")
	assert.Contains(t, r.stdout, "deposed leader reads: (a)")
	assert.Contains(t, r.stdout, "replayed bit-for-bit")
	quiet := runLabd(t, "replay", "narrow-deposed-leader-read", "--seed", "1")
	require.Equal(t, exitOK, quiet.code, quiet.stderr)
	assert.NotContains(t, quiet.stdout, " boot ")
}
