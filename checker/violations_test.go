package checker

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestMonitorReportsEachViolationOnce feeds the same divergent apply at every sample, as the
// simulator does, and expects one line with the first time plus a count of the repeats.
func TestMonitorReportsEachViolationOnce(t *testing.T) {
	m := NewMonitor()
	m.ObserveApply(1, 7, 2, 0xaa, 10)
	const samples = 50
	for i := 0; i < samples; i++ {
		m.ObserveRestart(2, int64(20+i)*1e6) // the node re-applies from scratch each time
		m.ObserveApply(2, 7, 2, 0xbb, int64(20+i)*1e6)
	}
	got := m.Violations()
	require.Len(t, got, 2, "violations: %q", got)
	assert.True(t, strings.HasPrefix(got[0], "at 0.020 s: state-machine safety: node 2 applied"), got[0])
	assert.Contains(t, got[1], fmt.Sprintf("%d repeated", samples-1))
}

func TestMonitorCapsDistinctViolations(t *testing.T) {
	m := NewMonitor()
	const distinct = maxViolations + 25
	for i := 0; i < distinct; i++ {
		m.ObserveApply(1, uint64(i+1), 1, 1, int64(i))
		m.ObserveApply(2, uint64(i+1), 1, 2, int64(i))
	}
	got := m.Violations()
	require.Len(t, got, maxViolations+1, "the listed violations and one line counting the rest")
	assert.Contains(t, got[maxViolations], fmt.Sprintf("%d more distinct violations", distinct-maxViolations))
	assert.NotContains(t, strings.Join(got, "\n"), "repeated", "nothing was repeated")
}

func TestMonitorKeepsDifferentViolationsOfOneKind(t *testing.T) {
	m := NewMonitor()
	m.ObserveCommit(1, 5, 100e6)
	m.ObserveCommit(1, 4, 200e6)
	m.ObserveCommit(1, 5, 300e6)
	m.ObserveCommit(1, 4, 400e6) // the same fall again: a repeat
	m.ObserveCommit(1, 3, 500e6) // a different fall
	got := m.Violations()
	require.Len(t, got, 3, "violations: %q", got)
	assert.True(t, strings.HasPrefix(got[0], "at 0.200 s: commit index of node 1 went back from 5 to 4"), got[0])
	assert.True(t, strings.HasPrefix(got[1], "at 0.500 s: commit index of node 1 went back from 4 to 3"), got[1])
	assert.Contains(t, got[2], "1 repeated")
}
