package main

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/raftlab/raftlab/checker/history"
	"github.com/raftlab/raftlab/reports"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// runStoryInto runs `labd run story --out dir` and requires it to pass.
func runStoryInto(t *testing.T, story, dir string, extra ...string) labdResult {
	t.Helper()
	r := runLabd(t, append([]string{"run", story, "--out", dir}, extra...)...)
	require.Equal(t, exitOK, r.code, "stdout:\n%s\nstderr:\n%s", r.stdout, r.stderr)
	return r
}

func TestRunMuchWowCoolWritesAReport(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "report")
	r := runStoryInto(t, "much-wow-cool", dir)

	// The narrative streams: every step's caption, the slide tables, the verdict.
	assert.Contains(t, r.stdout, "A network partition makes a majority of nodes inaccessible from the leader")
	assert.Contains(t, r.stdout, "story much-wow-cool: PASSED")
	assert.Equal(t, 1, strings.Count(strings.ToLower(r.stdout), "passed"), "one outcome word")
	assert.Contains(t, r.stdout, "report:     "+filepath.Join(dir, reports.IndexFile))
	assert.Contains(t, r.stdout, "replay:     go run ./cmd/labd replay much-wow-cool --seed 1")

	rec, err := readRecord(dir)
	require.NoError(t, err)
	assert.Equal(t, "much-wow-cool", rec.Story)
	assert.Equal(t, uint64(1), rec.Seed)
	assert.Equal(t, verdictPass, rec.Verdict)
	assert.True(t, rec.Linearizable)
	assert.Len(t, rec.TraceHash, 16)
	assert.Contains(t, r.stdout, "trace hash: "+rec.TraceHash)

	index, err := os.ReadFile(filepath.Join(dir, reports.IndexFile))
	require.NoError(t, err)
	assert.Contains(t, string(index), rec.TraceHash)
	assert.Contains(t, string(index), "expect leader n1 term T1", "assertions quote the story")

	f, err := os.Open(filepath.Join(dir, historyFile))
	require.NoError(t, err)
	defer f.Close()
	ops, err := history.ReadHistory(f)
	require.NoError(t, err)
	assert.Equal(t, rec.Ops, len(ops))
	assert.NotEmpty(t, ops)

	story, err := os.ReadFile(filepath.Join(dir, storyCopy))
	require.NoError(t, err)
	src, err := loadStory("much-wow-cool")
	require.NoError(t, err)
	assert.Equal(t, src.Text, story)

	requireValidFigures(t, dir)
}

// requireValidFigures checks that every figure of the report decodes: PNGs as images with a
// size, SVGs as XML with an <svg> root.
func requireValidFigures(t *testing.T, dir string) {
	t.Helper()
	for _, name := range []string{reports.FigureTimeline, reports.FigureCommit, reports.FigureLatency,
		reports.FigureLatencyHist, reports.FigureThroughput} {
		data, err := os.ReadFile(filepath.Join(dir, name+".png"))
		require.NoError(t, err)
		cfg, err := png.DecodeConfig(bytes.NewReader(data))
		require.NoError(t, err, "%s.png", name)
		assert.Greater(t, cfg.Width, 100, "%s.png width", name)
		assert.Greater(t, cfg.Height, 100, "%s.png height", name)

		svg, err := os.ReadFile(filepath.Join(dir, name+".svg"))
		require.NoError(t, err)
		var root struct {
			XMLName xml.Name
		}
		require.NoError(t, xml.Unmarshal(svg, &root), "%s.svg", name)
		assert.Equal(t, "svg", root.XMLName.Local, "%s.svg", name)
	}
}

func TestRunDefaultsToLabdRunsInTheWorkingDirectory(t *testing.T) {
	t.Chdir(t.TempDir())
	r := runLabd(t, "run", "much-wow-cool", "--seed", "5")
	require.Equal(t, exitOK, r.code, r.stderr)
	rec, err := readRecord(filepath.Join(defaultRunsDir, "much-wow-cool-seed5"))
	require.NoError(t, err)
	assert.Equal(t, uint64(5), rec.Seed)
	assert.Contains(t, r.stdout, "go run ./cmd/labd replay much-wow-cool --seed 5")
}

func TestRunUnknownStoryListsTheKnownOnes(t *testing.T) {
	r := runLabd(t, "run", "much-wow-kewl")
	assert.Equal(t, exitUsage, r.code)
	assert.Contains(t, r.stderr, `unknown story "much-wow-kewl" (did you mean "much-wow-cool"?); known stories: `)
	assert.Contains(t, r.stderr, "much-wow-cool")
}

func TestRunUnknownBugIsAUsageError(t *testing.T) {
	r := runLabd(t, "run", "much-wow-cool", "--bug", "typo", "--out", t.TempDir())
	assert.Equal(t, exitUsage, r.code)
	assert.Contains(t, r.stderr, `unknown bug "typo"`)
}

// writeStory writes a story file derived from much-wow-cool with edit applied.
func writeStory(t *testing.T, name string, edit func(string) string) string {
	t.Helper()
	src, err := loadStory("much-wow-cool")
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), name+storyExt)
	require.NoError(t, os.WriteFile(path, []byte(edit(string(src.Text))), 0o644))
	return path
}

func TestRunFailedAssertionExitsOneAndSaysWhere(t *testing.T) {
	path := writeStory(t, "wrong-leader", func(s string) string {
		return strings.Replace(s, "expect leader n1 term T1\n", "expect leader n2 term T1\n", 1)
	})
	dir := filepath.Join(t.TempDir(), "report")
	r := runLabd(t, "run", path, "--out", dir)
	require.Equal(t, exitFailed, r.code, r.stdout)
	assert.Contains(t, r.stdout, ": FAILED (1 failure) at t=")
	assert.Contains(t, r.stderr, "labd run: 1 failure:\n")
	assert.NotContains(t, r.stderr, "FAILED", "the outcome is said once, at the end of the narrative")
	assert.Equal(t, 1, strings.Count(r.stdout, ": FAILED ("), "one outcome word")
	assert.Contains(t, r.stderr, path+":")

	rec, err := readRecord(dir)
	require.NoError(t, err)
	assert.Equal(t, verdictFail, rec.Verdict)
	assert.Equal(t, path, rec.StoryPath)
	assert.Contains(t, rec.Replay, "replay "+path+" --seed 1")
	require.NotEmpty(t, rec.Failures)

	var report strings.Builder
	data, err := os.ReadFile(filepath.Join(dir, reports.IndexFile))
	require.NoError(t, err)
	report.Write(data)
	assert.Contains(t, report.String(), "expect leader n2 term T1")
}

func TestRunBrokenStoryIsBadInput(t *testing.T) {
	path := writeStory(t, "broken", func(s string) string { return s + "\nfly to the moon\n" })
	r := runLabd(t, "run", path, "--out", t.TempDir())
	assert.Equal(t, exitUsage, r.code)
	assert.Contains(t, r.stderr, path+":")
}

func TestRunRecordIsJSON(t *testing.T) {
	dir := t.TempDir()
	runStoryInto(t, "compare-and-swap", dir)
	data, err := os.ReadFile(filepath.Join(dir, runFile))
	require.NoError(t, err)
	var fields map[string]any
	require.NoError(t, json.Unmarshal(data, &fields))
	for _, key := range []string{"story", "seed", "traceHash", "verdict"} {
		assert.Contains(t, fields, key)
	}
}
