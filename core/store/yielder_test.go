package store

import (
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestYielderYieldsEveryYieldEverySteps(t *testing.T) {
	for _, steps := range []int{0, 1, YieldEvery - 1, YieldEvery, YieldEvery + 1, 3*YieldEvery + 7} {
		t.Run(strconv.Itoa(steps), func(t *testing.T) {
			yields := 0
			y := Yielder{Yield: func() { yields++ }}
			for range steps {
				y.Step()
			}
			assert.Equal(t, steps/YieldEvery, yields)
		})
	}
	var counting Yielder // no Yield: Step only counts
	for range 2 * YieldEvery {
		counting.Step()
	}
}

// TestFrozenSnapshotYieldsWithoutChangingItsBytes: the encoding calls yield as it goes, once every
// YieldEvery nodes and events, and writes the same bytes as without it.
func TestFrozenSnapshotYieldsWithoutChangingItsBytes(t *testing.T) {
	s := New()
	const keys = 1000
	for i := range keys {
		mustApply(t, s, set("/dir/k"+strconv.Itoa(i), "v"+strconv.Itoa(i)))
	}
	f := s.Freeze()
	plain, err := f.AppendSnapshot(nil, nil)
	require.NoError(t, err)
	yields := 0
	yielded, err := f.AppendSnapshot(nil, func() { yields++ })
	require.NoError(t, err)
	assert.Equal(t, string(plain), string(yielded))
	// keys leaves and their directory, plus the history's events (at most one per write).
	assert.GreaterOrEqual(t, yields, (keys+1)/YieldEvery)
	assert.LessOrEqual(t, yields, (keys+1+keys+16)/YieldEvery)
}
