package httpapi

import (
	"fmt"
	"strings"
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

// writeDisk writes the disk families of a backend that has them.
func writeDisk(b *strings.Builder, d DiskMetrics) {
	d.SnapshotMarshals().write(b, "etcd_debugging_snap_save_marshalling_duration_seconds", "The marshalling cost distributions of save called by snapshot.")
	d.SnapshotSaves().write(b, "etcd_debugging_snap_save_total_duration_seconds", "The total latency distributions of save called by snapshot.")
	d.WALFsyncs().write(b, "etcd_disk_wal_fsync_duration_seconds", "The latency distributions of fsync called by WAL.")
	fmt.Fprintf(b, "# HELP etcd_disk_wal_write_bytes_total Total number of bytes written in WAL.\n# TYPE etcd_disk_wal_write_bytes_total gauge\netcd_disk_wal_write_bytes_total %d\n", d.WALWriteBytes())
}
