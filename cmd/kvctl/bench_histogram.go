package main

import (
	"math"
	"math/bits"
	"time"
)

// Latency histogram layout: log-linear buckets over nanoseconds. Values below 2^histSubBits ns
// are exact; above, every power of two is split into 2^(histSubBits-1) equal buckets, so a
// bucket is at most 1/2^(histSubBits-1) of its values wide (under 0.8% with 8 bits).
const (
	histSubBits = 8
	histHalf    = 1 << (histSubBits - 1)
	// histMaxBits caps recorded values at 2^histMaxBits ns (about 68 s); longer ones count there.
	histMaxBits = 36
	histBuckets = (histMaxBits - histSubBits + 2) * histHalf
)

// latencyHistogram records durations for percentiles. Each load-generator client owns one (no
// locking); they are merged at the end.
type latencyHistogram struct {
	counts   [histBuckets]uint64
	n        uint64
	min, max time.Duration
	sum      float64 // nanoseconds
	sumSq    float64 // nanoseconds squared
}

// histIndex is the bucket of v nanoseconds.
func histIndex(v uint64) int {
	if v >= 1<<histMaxBits {
		v = 1<<histMaxBits - 1
	}
	if v < 1<<histSubBits {
		return int(v)
	}
	shift := bits.Len64(v) - histSubBits
	return shift*histHalf + int(v>>shift)
}

// histBounds is the range [lo, hi) of bucket i in nanoseconds.
func histBounds(i int) (lo, hi uint64) {
	if i < 1<<histSubBits {
		return uint64(i), uint64(i) + 1
	}
	shift := i/histHalf - 1
	top := uint64(i - shift*histHalf)
	return top << shift, (top + 1) << shift
}

// record adds one duration.
func (h *latencyHistogram) record(d time.Duration) {
	if d < 0 {
		d = 0
	}
	if h.n == 0 || d < h.min {
		h.min = d
	}
	if d > h.max {
		h.max = d
	}
	h.n++
	f := float64(d)
	h.sum += f
	h.sumSq += f * f
	h.counts[histIndex(uint64(d))]++
}

// merge adds o's records to h.
func (h *latencyHistogram) merge(o *latencyHistogram) {
	if o.n == 0 {
		return
	}
	if h.n == 0 || o.min < h.min {
		h.min = o.min
	}
	if o.max > h.max {
		h.max = o.max
	}
	h.n += o.n
	h.sum += o.sum
	h.sumSq += o.sumSq
	for i, c := range o.counts {
		h.counts[i] += c
	}
}

// count is the number of recorded durations.
func (h *latencyHistogram) count() uint64 { return h.n }

// mean is the average duration (0 when empty).
func (h *latencyHistogram) mean() time.Duration {
	if h.n == 0 {
		return 0
	}
	return time.Duration(h.sum / float64(h.n))
}

// stddev is the population standard deviation (0 when empty).
func (h *latencyHistogram) stddev() time.Duration {
	if h.n == 0 {
		return 0
	}
	m := h.sum / float64(h.n)
	v := h.sumSq/float64(h.n) - m*m
	if v < 0 {
		v = 0
	}
	return time.Duration(math.Sqrt(v))
}

// percentile returns the q-quantile (0 < q <= 1): the smallest recorded duration that at least
// q of all records do not exceed, to within a bucket's width (the bucket's middle is returned,
// clamped to the exact minimum and maximum).
func (h *latencyHistogram) percentile(q float64) time.Duration {
	if h.n == 0 {
		return 0
	}
	rank := uint64(math.Ceil(q * float64(h.n)))
	if rank < 1 {
		rank = 1
	}
	if rank >= h.n {
		return h.max
	}
	var seen uint64
	for i, c := range h.counts {
		seen += c
		if seen >= rank {
			lo, hi := histBounds(i)
			d := time.Duration(lo + (hi-lo)/2)
			return min(max(d, h.min), h.max)
		}
	}
	return h.max
}

// countBetween counts the records in [lo, hi), to bucket precision (a bucket counts where its
// lower bound falls).
func (h *latencyHistogram) countBetween(lo, hi time.Duration) uint64 {
	var n uint64
	for i, c := range h.counts {
		if c == 0 {
			continue
		}
		b, _ := histBounds(i)
		if time.Duration(b) >= lo && time.Duration(b) < hi {
			n += c
		}
	}
	return n
}
