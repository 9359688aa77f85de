package httpapi

import (
	"fmt"
	"strings"
	"sync"
	"time"
)

// Histogram counts durations into buckets of fixed upper bounds, as a Prometheus histogram does.
// It is safe for concurrent use.
type Histogram struct {
	bounds []float64
	mu     sync.Mutex
	counts []uint64 // counts[i]: durations at or under bounds[i]
	count  uint64
	sum    float64 // seconds
}

// NewHistogram returns an empty histogram with the given ascending upper bounds, in seconds.
func NewHistogram(bounds []float64) *Histogram {
	return &Histogram{bounds: bounds, counts: make([]uint64, len(bounds))}
}

// Observe counts one duration.
func (h *Histogram) Observe(d time.Duration) {
	s := d.Seconds()
	h.mu.Lock()
	defer h.mu.Unlock()
	for i, bound := range h.bounds {
		if s <= bound {
			h.counts[i]++
		}
	}
	h.count++
	h.sum += s
}

// Count is how many durations were observed.
func (h *Histogram) Count() uint64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.count
}

// write writes the histogram as the unlabelled family name, with its HELP and TYPE lines.
func (h *Histogram) write(b *strings.Builder, name, help string) {
	fmt.Fprintf(b, "# HELP %s %s\n# TYPE %s histogram\n", name, help, name)
	h.writeSeries(b, name, "")
}

// writeSeries writes the histogram's samples as one series of the family name, labelled with
// labels (`key="value",...`, or "" for none) besides the buckets' le.
func (h *Histogram) writeSeries(b *strings.Builder, name, labels string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	prefix, own := "", ""
	if labels != "" {
		prefix, own = labels+",", "{"+labels+"}"
	}
	for i, bound := range h.bounds {
		fmt.Fprintf(b, "%s_bucket{%sle=\"%s\"} %d\n", name, prefix, formatFloat(bound), h.counts[i])
	}
	fmt.Fprintf(b, "%s_bucket{%sle=\"+Inf\"} %d\n%s_sum%s %s\n%s_count%s %d\n", name, prefix, h.count, name, own, formatFloat(h.sum), name, own, h.count)
}
