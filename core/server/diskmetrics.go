package server

import (
	"sync/atomic"

	"github.com/raftlab/raftlab/core/httpapi"
)

// diskMetrics are what /metrics serves of the member's disk work, under etcd's names
// (httpapi.DiskMetrics): the persister's WAL syncs and bytes, and the snapshots the encoding
// goroutine encodes and writes ahead.
type diskMetrics struct {
	walFsyncs    *httpapi.Histogram
	walBytes     atomic.Int64
	snapSaves    *httpapi.Histogram
	snapMarshals *httpapi.Histogram
}

// init makes the histograms, empty.
func (d *diskMetrics) init() {
	d.walFsyncs = httpapi.NewHistogram(httpapi.DiskBounds)
	d.snapSaves = httpapi.NewHistogram(httpapi.DiskBounds)
	d.snapMarshals = httpapi.NewHistogram(httpapi.DiskBounds)
}

// WALFsyncs are the durations of the persister's WAL syncs (the batch's records written, then
// fdatasync), one per batch that must be durable.
func (s *Server) WALFsyncs() *httpapi.Histogram { return s.disk.walFsyncs }

// WALWriteBytes is how many bytes of records the WAL has written since the member started.
func (s *Server) WALWriteBytes() int64 { return s.disk.walBytes.Load() }

// SnapshotSaves are the durations of the snapshots encoded and written ahead off the loop, from
// the start of the encoding to the file made durable.
func (s *Server) SnapshotSaves() *httpapi.Histogram { return s.disk.snapSaves }

// SnapshotMarshals are the durations of those snapshots' encoding alone.
func (s *Server) SnapshotMarshals() *httpapi.Histogram { return s.disk.snapMarshals }
