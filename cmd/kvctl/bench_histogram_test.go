package main

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestHistBucketsCoverTheirValues(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	prev := -1
	for _, v := range []uint64{0, 1, 255, 256, 257, 511, 512, 1000, 1 << 20, 1<<36 - 1} {
		i := histIndex(v)
		lo, hi := histBounds(i)
		assert.True(t, lo <= v && v < hi, "v=%d bucket %d [%d,%d)", v, i, lo, hi)
		assert.GreaterOrEqual(t, i, prev, "buckets never shrink as the value grows")
		prev = i
	}
	for range 10000 {
		v := rng.Uint64N(1 << 36)
		i := histIndex(v)
		require.Less(t, i, histBuckets)
		lo, hi := histBounds(i)
		require.True(t, lo <= v && v < hi, "v=%d bucket %d [%d,%d)", v, i, lo, hi)
		if v >= 1<<histSubBits {
			require.LessOrEqual(t, float64(hi-lo)/float64(lo), 1.0/histHalf, "relative width")
		}
	}
	assert.Equal(t, histBuckets-1, histIndex(math.MaxUint64), "longer values count in the last bucket")
}

// sampleLatencies draws long-tailed durations around a millisecond.
func sampleLatencies(seed uint64, n int) []time.Duration {
	rng := rand.New(rand.NewPCG(seed, 7))
	out := make([]time.Duration, n)
	for i := range out {
		out[i] = time.Duration(math.Exp(rng.NormFloat64()*0.8) * float64(time.Millisecond))
	}
	return out
}

func TestHistPercentilesMatchExactOnes(t *testing.T) {
	samples := sampleLatencies(3, 20000)
	var h latencyHistogram
	var sum float64
	for _, d := range samples {
		h.record(d)
		sum += float64(d)
	}
	sorted := slices.Clone(samples)
	slices.Sort(sorted)
	for _, q := range []float64{0.01, 0.5, 0.9, 0.99, 0.999} {
		exact := sorted[int(math.Ceil(q*float64(len(sorted))))-1]
		got := h.percentile(q)
		assert.InEpsilon(t, float64(exact), float64(got), 0.01, "q=%v", q)
	}
	assert.Equal(t, sorted[0], h.min)
	assert.Equal(t, sorted[len(sorted)-1], h.max)
	assert.Equal(t, sorted[len(sorted)-1], h.percentile(1))
	assert.InDelta(t, sum/float64(len(samples)), float64(h.mean()), 1, "mean to the nanosecond")
	assert.Equal(t, uint64(len(samples)), h.count())
	assert.Positive(t, h.stddev())
}

func TestHistMergeEqualsOneHistogram(t *testing.T) {
	samples := sampleLatencies(4, 3000)
	var all, a, b, empty latencyHistogram
	for i, d := range samples {
		all.record(d)
		if i%3 == 0 {
			a.record(d)
		} else {
			b.record(d)
		}
	}
	var merged latencyHistogram
	merged.merge(&empty)
	merged.merge(&a)
	merged.merge(&b)
	merged.merge(&empty)
	assert.Equal(t, all.counts, merged.counts)
	assert.Equal(t, all.min, merged.min)
	assert.Equal(t, all.max, merged.max)
	assert.Equal(t, all.n, merged.n)
	assert.InEpsilon(t, all.sum, merged.sum, 1e-12)
}

func TestHistogramRowsCountEveryRecord(t *testing.T) {
	tests := []struct {
		name    string
		samples []time.Duration
	}{
		{"long tail", sampleLatencies(5, 5000)},
		{"one value", []time.Duration{time.Millisecond, time.Millisecond}},
		{"sub-microsecond", []time.Duration{100, 200, 300 * time.Microsecond}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var h latencyHistogram
			for _, d := range tt.samples {
				h.record(d)
			}
			rows := histogramRows(&h)
			require.NotEmpty(t, rows)
			var n uint64
			for i, r := range rows {
				n += r.count
				assert.LessOrEqual(t, r.from, r.to, "row %d", i)
			}
			assert.Equal(t, uint64(len(tt.samples)), n)
			assert.Equal(t, slices.Min(tt.samples), rows[0].from)
			assert.Equal(t, slices.Max(tt.samples), rows[len(rows)-1].to)
		})
	}
	var empty latencyHistogram
	assert.Empty(t, histogramRows(&empty))
	assert.Zero(t, empty.percentile(0.5))
	assert.Zero(t, empty.mean())
}
