package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/raftlab/raftlab/checker"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCheckJepsenLogs(t *testing.T) {
	cases := []struct {
		file string
		code int
		want string
	}{
		{"testdata/jepsen-linearizable.log", exitOK, "\nlinearizable: "},
		{"testdata/jepsen-not-linearizable.log", exitFailed, "\nNOT linearizable: "},
	}
	for _, c := range cases {
		t.Run(filepath.Base(c.file), func(t *testing.T) {
			out := t.TempDir()
			r := runLabd(t, "check", c.file, "--out", out)
			require.Equal(t, c.code, r.code, "stdout:\n%s\nstderr:\n%s", r.stdout, r.stderr)
			assert.Contains(t, r.stdout, "Jepsen register log history")
			assert.Contains(t, r.stdout, c.want)
			assert.FileExists(t, filepath.Join(out, checker.VisualizationFile))
			assert.Contains(t, r.stdout, "visualisation: "+filepath.Join(out, checker.VisualizationFile))
		})
	}
}

func TestCheckLabHistoryFromARun(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "much-wow-cool-seed1")
	runStoryInto(t, "much-wow-cool", dir)
	t.Chdir(t.TempDir())
	// The default output is the runs folder, named after the input: never beside the file, which
	// may be someone else's.
	r := runLabd(t, "check", filepath.Join(dir, historyFile))
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Contains(t, r.stdout, "lab (JSON lines) history")
	want := filepath.Join(defaultRunsDir, "check-much-wow-cool-seed1", checker.VisualizationFile)
	assert.FileExists(t, want)
	assert.Contains(t, r.stdout, "visualisation: "+want)
	assert.NoFileExists(t, filepath.Join(dir, checker.VisualizationFile), "nothing is written beside the input")
}

func TestCheckOutputIsNamedAfterTheInput(t *testing.T) {
	for _, c := range []struct{ file, want string }{
		{"../shared/jepsen-etcd/etcd_000.log", "check-etcd_000"},
		{"testdata/jepsen-linearizable.log", "check-jepsen-linearizable"},
		{"labd-runs/much-wow-cool-seed1/history.jsonl", "check-much-wow-cool-seed1"},
		{"history.jsonl", "check-history"},
		{"/tmp/x y/ops.JSONL", "check-ops"},
	} {
		assert.Equal(t, filepath.Join(defaultRunsDir, c.want), checkOutputDir(c.file), c.file)
	}
}

func TestCheckBadInput(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(text), 0o644))
		return p
	}
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"garbage", []string{write("garbage.txt", "hello, I am not a history\n")}, "neither a lab history"},
		{"empty", []string{write("empty.jsonl", "\n\n")}, "neither a lab history"},
		{"bad json line", []string{write("bad.jsonl", `{"client":0,"kind":"fly","key":"/a","call":1,"return":2,"outcome":"ok"}`)}, "read lab history"},
		{"forced jepsen on a lab file", []string{write("lab.jsonl", `{"client":0,"kind":"set","key":"/a","value":"v","call":1,"return":2,"outcome":"ok","index":4}`), "--jepsen"}, "no Jepsen register operations"},
		{"missing file", []string{filepath.Join(dir, "missing.jsonl")}, "no such file"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := runLabd(t, append([]string{"check"}, c.args...)...)
			assert.Equal(t, exitUsage, r.code, r.stdout)
			assert.Contains(t, r.stderr, c.want)
		})
	}
}

// TestCheckAgreesWithTheRunThatWroteTheHistory: `labd check` on the history a run wrote gives the
// run's verdict, for the TTL stories too (a quorum read of an expired lock is right).
func TestCheckAgreesWithTheRunThatWroteTheHistory(t *testing.T) {
	for _, name := range []string{"lock", "lock-fencing", "watch", "much-wow-cool"} {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "report")
			r := runLabd(t, "run", name, "--out", dir)
			require.Equal(t, exitOK, r.code, r.stderr)
			rec, err := readRecord(dir)
			require.NoError(t, err)
			require.True(t, rec.Linearizable)
			c := runLabd(t, "check", filepath.Join(dir, historyFile), "--out", t.TempDir())
			assert.Equal(t, exitOK, c.code, c.stdout)
			assert.Contains(t, c.stdout, "\nlinearizable: ")
			assert.NotContains(t, c.stdout, "stale")
		})
	}
}
