package main

import (
	"math"
	"runtime/debug"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestGCBudgetIsFourTimesTheLiveHeapAndNeverShrinks(t *testing.T) {
	cases := []struct {
		live, current, want int64
	}{
		{live: 5 << 20, current: minGCBudget, want: minGCBudget},
		{live: 100 << 20, current: minGCBudget, want: 400 << 20},
		{live: 10 << 20, current: 400 << 20, want: 400 << 20},
		{live: 0, current: 0, want: minGCBudget},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, gcBudgetFor(c.live, c.current), "live %d current %d", c.live, c.current)
	}
}

// tuneGC turns the percentage trigger off and sets the budget; growGCBudget leaves a budget it did not
// set alone, and keeps labd's at least minGCBudget. The test restores the collector it found.
func TestTuneGCSetsTheMemoryBudget(t *testing.T) {
	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	defaultGCUntilCleanup(t)

	growGCBudget()
	require.Equal(t, int64(math.MaxInt64), debug.SetMemoryLimit(-1), "no budget of labd's: nothing to grow")

	tuneGC()
	assert.Equal(t, -1, debug.SetGCPercent(-1), "no percentage trigger")
	assert.Equal(t, int64(minGCBudget), debug.SetMemoryLimit(-1))
	growGCBudget()
	assert.GreaterOrEqual(t, debug.SetMemoryLimit(-1), int64(minGCBudget))
}

func TestTuneGCLeavesTheUsersChoice(t *testing.T) {
	t.Setenv("GOGC", "200")
	defaultGCUntilCleanup(t)
	tuneGC()
	assert.Equal(t, 100, debug.SetGCPercent(100))
	assert.Equal(t, int64(math.MaxInt64), debug.SetMemoryLimit(-1))
}

// defaultGCUntilCleanup sets Go's default collector (GOGC 100, no memory limit) for the test and
// restores the collector it found when the test ends.
func defaultGCUntilCleanup(t *testing.T) {
	percent, limit := debug.SetGCPercent(100), debug.SetMemoryLimit(math.MaxInt64)
	t.Cleanup(func() {
		debug.SetGCPercent(percent)
		debug.SetMemoryLimit(limit)
	})
}
