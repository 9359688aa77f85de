package main

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/raftlab/raftlab/core/mark"
)

func TestMutantSummary(t *testing.T) {
	caught := func(after float64) mutantResult {
		return mutantResult{Caught: true, Hunt: huntReport{Found: true, AfterS: after}}
	}
	tests := []struct {
		name    string
		results []mutantResult
		want    string
	}{
		{"all caught, odd count", []mutantResult{caught(3), caught(1), caught(9)},
			"mutants: caught 3/3, median time to first failure 3.0s, slowest 9.0s"},
		{"all caught, even count", []mutantResult{caught(1), caught(2), caught(4), caught(8)},
			"mutants: caught 4/4, median time to first failure 3.0s, slowest 8.0s"},
		{"a missed one counts as never found", []mutantResult{caught(1), {}, caught(5)},
			"mutants: caught 2/3, median time to first failure 5.0s"},
		{"half missed", []mutantResult{caught(1), {}},
			"mutants: caught 1/2, median time to first failure over the 1m0s budget"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, mutantSummary(tt.results, time.Minute))
		})
	}
}

func TestPrintSweepMarks(t *testing.T) {
	s := mark.NewSet()
	s.Hit(mark.RaftLogTruncated)
	s.Hit(mark.RaftLogTruncated)
	s.Hit(mark.WALSegmentCut)
	counts := markCounts(s)
	require.Equal(t, uint64(2), counts["raft.log-truncated"])
	var out bytes.Buffer
	printSweepMarks(&out, counts)
	text := out.String()
	assert.Contains(t, text, "coverage marks: 2 of ")
	assert.Contains(t, text, "raft   log-truncated=2")
	assert.Contains(t, text, "wal    segment-cut=1")
	assert.Contains(t, text, "never hit: raft.append-rejected")
}

func TestMergeAddsTheShardsMarks(t *testing.T) {
	into := map[string]uint64{"raft.log-truncated": 1}
	addMarkCounts(into, map[string]uint64{"raft.log-truncated": 2, "wal.segment-cut": 1})
	assert.Equal(t, map[string]uint64{"raft.log-truncated": 3, "wal.segment-cut": 1}, into)
}

func TestHuntReportsNoFailureOnCorrectCode(t *testing.T) {
	r := runLabd(t, "hunt", "--suites", "register-partitions,keys-crashes", "--seeds", "2", "--json")
	require.Equal(t, exitOK, r.code, "stdout:\n%s\nstderr:\n%s", r.stdout, r.stderr)
	var rep huntReport
	require.NoError(t, json.Unmarshal([]byte(lastLine(r.stdout)), &rep))
	assert.False(t, rep.Found)
	assert.Equal(t, 4, rep.Runs, "two seeds of each suite")
	assert.False(t, rep.OutOfTime)
}

func TestMutantsListAndRefusals(t *testing.T) {
	r := runLabd(t, "mutants", "--list")
	require.Equal(t, exitOK, r.code)
	assert.Contains(t, r.stdout, "raft-vote-twice-in-term")
	r = runLabd(t, "mutants", "--only", "no-such-mutant")
	assert.Equal(t, exitUsage, r.code)
	assert.Contains(t, r.stderr, `no mutant called "no-such-mutant"`)
	r = runLabd(t, "hunt", "--suites", "no-such-suite")
	assert.Equal(t, exitUsage, r.code)
}
