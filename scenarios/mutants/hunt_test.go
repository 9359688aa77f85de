package mutants

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestScheduleSharesTimeBySuite: a suite whose runs cost ten times more gets about a tenth of the
// runs, every suite starts at seed 1 and seeds go up one by one.
func TestScheduleSharesTimeBySuite(t *testing.T) {
	s := newSchedule(2, 1000)
	cost := []time.Duration{10 * time.Millisecond, 100 * time.Millisecond}
	runs := []int{0, 0}
	next := []uint64{1, 1}
	for range 220 {
		i, seed, ok := s.pick()
		require.True(t, ok)
		assert.Equal(t, next[i], seed)
		next[i]++
		runs[i]++
		s.finished(i, cost[i])
	}
	assert.InDelta(t, 10, float64(runs[0])/float64(runs[1]), 1.5, "runs %v", runs)
}

func TestScheduleEndsWhenTheSeedsRunOut(t *testing.T) {
	s := newSchedule(3, 2)
	n := 0
	for {
		i, _, ok := s.pick()
		if !ok {
			break
		}
		s.finished(i, time.Millisecond)
		n++
	}
	assert.Equal(t, 6, n)
}
