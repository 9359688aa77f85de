package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/raftlab/raftlab/checker/history"
	"github.com/raftlab/raftlab/core/node"
	"github.com/raftlab/raftlab/reports"
	storyrun "github.com/raftlab/raftlab/scenarios/run"
)

// visualizeTimeout bounds the porcupine search that draws a violation.
const visualizeTimeout = 20 * time.Second

// labdCommand is how replay commands invoke labd: from the module root, with no set-up.
const labdCommand = "go run ./cmd/labd"

// storyJob is one story to run: the story, an optional seed override and an optional known bug.
// Parent, when set, is the page one level above the run's report (the page of the sweep it is a
// seed of).
type storyJob struct {
	Source storySource
	Seed   *uint64
	Bug    string
	Parent reports.Link
}

// bugs returns the node bugs of the job's known bug (none when Bug is "").
func (j storyJob) bugs() (node.Bugs, error) {
	if j.Bug == "" {
		return node.Bugs{}, nil
	}
	s, err := lookupBug(j.Bug)
	if err != nil {
		return node.Bugs{}, err
	}
	return s.Node.Bugs, nil
}

// execute parses and runs the story, streaming the narrative to out (nil: nowhere). The error is
// for a story that cannot run at all (a parse error, an unknown node); failed expectations are in
// the result.
func (j storyJob) execute(out io.Writer) (*storyrun.Result, error) {
	st, err := j.Source.parse()
	if err != nil {
		return nil, err
	}
	bugs, err := j.bugs()
	if err != nil {
		return nil, err
	}
	res, err := storyrun.Run(st, storyrun.Options{Seed: j.Seed, Out: out, Bugs: bugs})
	if err != nil {
		return nil, fmt.Errorf("story %s: %w", j.Source.Name, err)
	}
	return res, nil
}

// storyArg is how a replay command names the story: its path when it came from a file.
func (j storyJob) storyArg() string {
	if j.Source.Path != "" {
		return j.Source.Path
	}
	return j.Source.Name
}

// replayCommand is the exact command that reruns the story with seed (and the job's bug).
func (j storyJob) replayCommand(seed uint64) string {
	cmd := fmt.Sprintf("%s replay %s --seed %d", labdCommand, shellQuote(j.storyArg()), seed)
	if j.Bug != "" {
		cmd += " --bug " + shellQuote(j.Bug)
	}
	return cmd
}

// defaultReportDir is where a run's report goes without --out: DIR/<story>-seed<N>[-bug-<name>].
func (j storyJob) defaultReportDir(base string, seed uint64) string {
	name := fmt.Sprintf("%s-seed%d", j.Source.Name, seed)
	if j.Bug != "" {
		name += "-" + bugPrefix + strings.TrimPrefix(j.Bug, bugPrefix)
	}
	return filepath.Join(base, name)
}

// writeStoryReport writes everything about a finished simulated run into dir: the report's files
// (writeReport) and run.json, which labd replay and labd serve read.
func writeStoryReport(dir string, j storyJob, res *storyrun.Result) (reports.Files, error) {
	replay := j.replayCommand(res.Seed)
	rr := reportRun(res, string(j.Source.Text), replay)
	rr.Parent = j.Parent
	files, err := writeReport(dir, rr, res, j.Source.Text)
	if err != nil {
		return files, err
	}
	rec := runRecord{Story: j.Source.Name, StoryFile: j.Source.File, StoryPath: j.Source.Path, Title: rr.Title,
		Seed: res.Seed, Bug: j.Bug, TraceHash: formatHash(res.TraceHash), Verdict: verdictWord(res.Passed),
		Linearizable: res.Verdict.Linearizable, Failures: res.Failures, Ops: clientOps(res.History),
		VirtualTime: res.VirtualTime, Replay: replay}
	return files, writeRecord(dir, rec)
}

// writeReport writes a finished run's report into dir, on the simulator or on real processes: the
// HTML report with its figures, porcupine's visualisation when the history is not linearizable,
// the history, the watch records and the story text.
func writeReport(dir string, rr reports.Run, res *storyrun.Result, storyText []byte) (reports.Files, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return reports.Files{}, fmt.Errorf("create report dir: %w", err)
	}
	// The executor checked without drawing; a failed run is checked again to draw it.
	if file, err := visualizeFailure(dir, res.History, res.Passed, res.Verdict.Linearizable); err != nil {
		rr.Verdict.Notes = append(rr.Verdict.Notes, err.Error())
	} else {
		rr.Verdict.VisualizationFile = file
	}
	files, err := reports.Write(dir, rr)
	if err != nil {
		return reports.Files{}, fmt.Errorf("write report: %w", err)
	}
	if err := writeJSONLines(filepath.Join(dir, historyFile), func(w io.Writer) error {
		return history.WriteHistory(w, res.History)
	}); err != nil {
		return files, err
	}
	if len(res.Watches) > 0 {
		if err := writeJSONLines(filepath.Join(dir, watchesFile), func(w io.Writer) error {
			return history.WriteWatchRecords(w, res.Watches)
		}); err != nil {
			return files, err
		}
	}
	if err := os.WriteFile(filepath.Join(dir, storyCopy), storyText, 0o644); err != nil {
		return files, fmt.Errorf("write story copy: %w", err)
	}
	return files, nil
}

// verdictWord is run.json's verdict.
func verdictWord(passed bool) string {
	if passed {
		return verdictPass
	}
	return verdictFail
}

// writeJSONLines creates path and lets write fill it.
func writeJSONLines(path string, write func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("create %s: %w", filepath.Base(path), err)
	}
	if err := write(f); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", filepath.Base(path), err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("close %s: %w", filepath.Base(path), err)
	}
	return nil
}

// shellQuote quotes s for a POSIX shell when it holds anything but plain word characters.
func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./=:+,@", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
