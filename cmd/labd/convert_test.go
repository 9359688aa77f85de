package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/raftlab/raftlab/checker"
	"github.com/raftlab/raftlab/checker/history"
	"github.com/raftlab/raftlab/core/raft"
	"github.com/raftlab/raftlab/netsim"
	"github.com/raftlab/raftlab/reports"
	storyrun "github.com/raftlab/raftlab/scenarios/run"
	"github.com/raftlab/raftlab/scenarios/story"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFailureLine(t *testing.T) {
	cases := []struct {
		failure string
		line    int
		msg     string
		ok      bool
	}{
		{"s.story:12: expected leader n2, got n1", 12, "expected leader n2, got n1", true},
		{"other.story:12: expected x", 0, "", false},
		{"s.story:x: expected", 0, "", false},
		{"s.story:0: expected", 0, "", false},
		{"s.story:3 no colon", 0, "", false},
	}
	for _, c := range cases {
		line, msg, ok := failureLine("s.story", c.failure)
		assert.Equal(t, c.ok, ok, c.failure)
		assert.Equal(t, c.line, line, c.failure)
		assert.Equal(t, c.msg, msg, c.failure)
	}
}

func TestReportAssertionsMarkEveryExpectLine(t *testing.T) {
	text := "story s\ncluster n1 n2 n3\nstep \"one\"\ncampaign n1\nwait until leader elected within 5s\nexpect leader n1\nexpect leader n2\n"
	st, err := story.Parse("s.story", strings.NewReader(text))
	require.NoError(t, err)
	got := reportAssertions(st, text, []string{
		"s.story:7: expected leader n2, got n1",
		"s.story:5: expected a leader within 5s, got none",
		"somewhere else: broke",
	}, nil)
	require.Len(t, got, 4)
	assert.Equal(t, reports.Assertion{Line: 5, Text: "wait until leader elected within 5s", Passed: false,
		Detail: "expected a leader within 5s, got none"}, got[0])
	assert.Equal(t, reports.Assertion{Line: 6, Text: "expect leader n1", Passed: true}, got[1])
	assert.Equal(t, reports.Assertion{Line: 7, Text: "expect leader n2", Passed: false,
		Detail: "expected leader n2, got n1"}, got[2])
	assert.Equal(t, "somewhere else: broke", got[3].Detail)
	assert.False(t, got[3].Passed)
}

// TestReportAssertionsShowSkipsAsSkipped: an assertion a driver could not check is skipped in the
// report, never passed; a failure on the same line wins; skips without a line get rows of their own.
func TestReportAssertionsShowSkipsAsSkipped(t *testing.T) {
	text := "story s\ncluster n1 n2 n3\nstep \"one\"\nwait until leader elected within 5s\nexpect logs {n1}: empty\nexpect leader n2\n"
	st, err := story.Parse("s.story", strings.NewReader(text))
	require.NoError(t, err)
	got := reportAssertions(st, text, []string{"s.story:6: expected leader n2, got n1"}, []string{
		"s.story:5: expect log {n1}: logs cannot be seen from outside the servers",
		"s.story:6: expect leader: not comparable",
		"s.story: check-quorum off: the servers always run check-quorum",
		"end of story: Raft's invariants are not checked",
	})
	require.Len(t, got, 4)
	assert.Equal(t, reports.Assertion{Line: 5, Text: "expect logs {n1}: empty", Skipped: true,
		Detail: "expect log {n1}: logs cannot be seen from outside the servers"}, got[0])
	assert.False(t, got[1].Skipped, "a failure on the line wins over a skip")
	assert.False(t, got[1].Passed)
	assert.Equal(t, reports.Assertion{Text: "story setting", Skipped: true, Detail: "check-quorum off: the servers always run check-quorum"}, got[2])
	assert.Equal(t, reports.Assertion{Text: "end of story", Skipped: true, Detail: "Raft's invariants are not checked"}, got[3])
}

func TestSampleRole(t *testing.T) {
	assert.Equal(t, reports.RoleDown, sampleRole(netsim.Sample{Alive: false, Role: raft.RoleLeader}))
	assert.Equal(t, reports.RolePaused, sampleRole(netsim.Sample{Alive: true, Paused: true}))
	assert.Equal(t, reports.RoleLeader, sampleRole(netsim.Sample{Alive: true, Role: raft.RoleLeader}))
	assert.Equal(t, reports.RolePreCandidate, sampleRole(netsim.Sample{Alive: true, Role: raft.RolePreCandidate}))
	assert.Equal(t, reports.RoleDown, reportRole("removed"))
	assert.Equal(t, reports.RoleFollower, reportRole("follower"))
}

// TestReportOfANonLinearizableRunDrawsTheViolation: a run whose history is not linearizable gets
// porcupine's visualisation next to its report, linked from it.
func TestReportOfANonLinearizableRunDrawsTheViolation(t *testing.T) {
	src, err := loadStory("much-wow-cool")
	require.NoError(t, err)
	st, err := src.parse()
	require.NoError(t, err)
	f, err := os.Open("testdata/jepsen-not-linearizable.log")
	require.NoError(t, err)
	defer f.Close()
	ops, err := history.ReadJepsen(f)
	require.NoError(t, err)
	res := &storyrun.Result{Story: st, Seed: 1, TraceHash: 0xabc, History: ops,
		Verdict: checker.Check(ops, checker.Options{}), Failures: []string{src.File + ":70: expected a linearizable history"}}
	require.False(t, res.Verdict.Linearizable)

	dir := t.TempDir()
	files, err := writeStoryReport(dir, storyJob{Source: src}, res)
	require.NoError(t, err)
	assert.FileExists(t, filepath.Join(dir, checker.VisualizationFile))
	index, err := os.ReadFile(files.Index)
	require.NoError(t, err)
	assert.Contains(t, string(index), `href="`+checker.VisualizationFile+`"`)
	rec, err := readRecord(dir)
	require.NoError(t, err)
	assert.Equal(t, verdictFail, rec.Verdict)
	assert.False(t, rec.Linearizable)
	assert.Equal(t, "0000000000000abc", rec.TraceHash)
}
