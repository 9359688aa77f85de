package httpapi

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestHistogramCountsEachDurationInEveryBucketAtOrAboveIt(t *testing.T) {
	h := NewHistogram(DiskBounds)
	for _, d := range []time.Duration{300 * time.Microsecond, time.Millisecond, 3 * time.Millisecond, 20 * time.Second} {
		h.Observe(d)
	}
	var b strings.Builder
	h.write(&b, "x_seconds", "help")
	lines := strings.Split(b.String(), "\n")
	for _, want := range []string{
		"# HELP x_seconds help",
		"# TYPE x_seconds histogram",
		`x_seconds_bucket{le="0.001"} 2`, // 0.3 ms and 1 ms: the bound is inclusive
		`x_seconds_bucket{le="0.002"} 2`,
		`x_seconds_bucket{le="0.004"} 3`,
		`x_seconds_bucket{le="8.192"} 3`, // the last bound: 20 s is only in +Inf
		`x_seconds_bucket{le="+Inf"} 4`,
		"x_seconds_sum 20.0043",
		"x_seconds_count 4",
	} {
		assert.Contains(t, lines, want)
	}
	assert.Equal(t, uint64(4), h.Count())
	assert.Len(t, DiskBounds, 14, "etcd's ExponentialBuckets(0.001, 2, 14)")
}

// diskBackend has a WAL and snapshots.
type diskBackend struct {
	*fakeBackend
	fsyncs, saves, marshals *Histogram
}

func (d diskBackend) WALFsyncs() *Histogram        { return d.fsyncs }
func (d diskBackend) WALWriteBytes() int64         { return 4096 }
func (d diskBackend) SnapshotSaves() *Histogram    { return d.saves }
func (d diskBackend) SnapshotMarshals() *Histogram { return d.marshals }

func TestMetricsServeTheBackendsDiskFamilies(t *testing.T) {
	d := diskBackend{fakeBackend: newFakeBackend(), fsyncs: NewHistogram(DiskBounds), saves: NewHistogram(DiskBounds),
		marshals: NewHistogram(DiskBounds)}
	d.fsyncs.Observe(500 * time.Microsecond)
	d.fsyncs.Observe(5 * time.Millisecond)
	d.saves.Observe(80 * time.Millisecond)
	body := mustServe(t, New(Config{Backend: d}), http.MethodGet, "/metrics", "", http.StatusOK).Body.String()
	lines := strings.Split(body, "\n")
	for _, want := range []string{
		"# TYPE etcd_disk_wal_fsync_duration_seconds histogram",
		`etcd_disk_wal_fsync_duration_seconds_bucket{le="0.001"} 1`,
		`etcd_disk_wal_fsync_duration_seconds_bucket{le="0.008"} 2`,
		"etcd_disk_wal_fsync_duration_seconds_count 2",
		"# TYPE etcd_disk_wal_write_bytes_total gauge",
		"etcd_disk_wal_write_bytes_total 4096",
		`etcd_debugging_snap_save_total_duration_seconds_bucket{le="0.128"} 1`,
		"etcd_debugging_snap_save_marshalling_duration_seconds_count 0",
	} {
		assert.Contains(t, lines, want)
	}

	plain := mustServe(t, New(Config{Backend: newFakeBackend()}), http.MethodGet, "/metrics", "", http.StatusOK).Body.String()
	require.NotContains(t, plain, "etcd_disk_", "a backend without a disk has no disk families")
}
