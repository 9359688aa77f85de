package httpapi

import (
	"fmt"
	"strings"
	"sync"
	"time"
)

// DiskMetrics may be implemented by a Backend that writes a WAL and snapshots (kvd's server):
// /metrics then serves etcd's disk families under etcd's names and buckets, the ones an etcd
// dashboard's disk panels read: etcd_disk_wal_fsync_duration_seconds,
// etcd_disk_wal_write_bytes_total, etcd_debugging_snap_save_total_duration_seconds and
// etcd_debugging_snap_save_marshalling_duration_seconds.
type DiskMetrics interface {
	// WALFsyncs are the durations of the WAL's syncs.
	WALFsyncs() *Histogram
	// WALWriteBytes is how many bytes the WAL has written since the member started.
	WALWriteBytes() int64
	// SnapshotSaves are the durations of whole snapshot saves (encoding and file);
	// SnapshotMarshals those of their encoding alone.
	SnapshotSaves() *Histogram
	SnapshotMarshals() *Histogram
}

// DiskBounds are the upper bounds of etcd's disk histograms' buckets (wal fsync, snapshot save):
// 1 ms doubling 13 times, to 8.192 s.
var DiskBounds = func() []float64 {
	b := make([]float64, 14)
	for i := range b {
		b[i] = 0.001 * float64(uint64(1)<<i)
	}
	return b
}()

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

// write writes the histogram as the family name, with its HELP and TYPE lines.
func (h *Histogram) write(b *strings.Builder, name, help string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	fmt.Fprintf(b, "# HELP %s %s\n# TYPE %s histogram\n", name, help, name)
	for i, bound := range h.bounds {
		fmt.Fprintf(b, "%s_bucket{le=\"%s\"} %d\n", name, formatFloat(bound), h.counts[i])
	}
	fmt.Fprintf(b, "%s_bucket{le=\"+Inf\"} %d\n%s_sum %s\n%s_count %d\n", name, h.count, name, formatFloat(h.sum), name, h.count)
}

// writeDisk writes the disk families of a backend that has them.
func writeDisk(b *strings.Builder, d DiskMetrics) {
	d.SnapshotMarshals().write(b, "etcd_debugging_snap_save_marshalling_duration_seconds", "The marshalling cost distributions of save called by snapshot.")
	d.SnapshotSaves().write(b, "etcd_debugging_snap_save_total_duration_seconds", "The total latency distributions of save called by snapshot.")
	d.WALFsyncs().write(b, "etcd_disk_wal_fsync_duration_seconds", "The latency distributions of fsync called by WAL.")
	fmt.Fprintf(b, "# HELP etcd_disk_wal_write_bytes_total Total number of bytes written in WAL.\n# TYPE etcd_disk_wal_write_bytes_total gauge\netcd_disk_wal_write_bytes_total %d\n", d.WALWriteBytes())
}
