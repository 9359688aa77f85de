package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

// Files a story run leaves in its report directory besides the report itself.
const (
	runFile      = "run.json"      // the runRecord
	historyFile  = "history.jsonl" // the client history (checker/history JSON lines)
	watchesFile  = "watches.jsonl" // what every watcher received, when the story watched
	storyCopy    = "story.story"   // the exact story text that ran, so the dir replays anywhere
	verdictPass  = "passed"
	verdictFail  = "failed"
	recordFormat = 1
)

// runRecord is run.json: what a replay needs and what the web page lists.
type runRecord struct {
	Format int `json:"format"`
	// Story is the story's name; StoryFile names it in messages; StoryPath is the path given on the
	// command line ("" for an embedded story). A seed of a suite has Suite instead.
	Story     string `json:"story,omitempty"`
	Suite     string `json:"suite,omitempty"`
	StoryFile string `json:"storyFile"`
	StoryPath string `json:"storyPath,omitempty"`
	Title     string `json:"title,omitempty"`
	Seed      uint64 `json:"seed"`
	// Bug is the known bug switched on, "" for correct code.
	Bug          string   `json:"bug,omitempty"`
	TraceHash    string   `json:"traceHash"`
	Verdict      string   `json:"verdict"`
	Linearizable bool     `json:"linearizable"`
	Failures     []string `json:"failures,omitempty"`
	Ops          int      `json:"ops"`
	VirtualTime  int64    `json:"virtualTimeNs"`
	Replay       string   `json:"replay"`
}

// writeRecord writes run.json into dir.
func writeRecord(dir string, rec runRecord) error {
	rec.Format = recordFormat
	data, err := json.MarshalIndent(rec, "", "  ")
	if err != nil {
		return fmt.Errorf("encode %s: %w", runFile, err)
	}
	if err := os.WriteFile(filepath.Join(dir, runFile), append(data, '\n'), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", runFile, err)
	}
	return nil
}

// readRecord reads run.json from a report directory.
func readRecord(dir string) (runRecord, error) {
	data, err := os.ReadFile(filepath.Join(dir, runFile))
	if err != nil {
		return runRecord{}, fmt.Errorf("%s is not a labd report directory: %w", dir, err)
	}
	var rec runRecord
	if err := json.Unmarshal(data, &rec); err != nil {
		return runRecord{}, fmt.Errorf("read %s: %w", filepath.Join(dir, runFile), err)
	}
	if (rec.Story == "" && rec.Suite == "") || rec.TraceHash == "" {
		return runRecord{}, fmt.Errorf("read %s: no story, suite or trace hash recorded", filepath.Join(dir, runFile))
	}
	return rec, nil
}
