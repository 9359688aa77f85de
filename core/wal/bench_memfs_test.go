package wal_test

import (
	"testing"

	"github.com/raftlab/raftlab/core/raft"
	"github.com/raftlab/raftlab/core/wal"
	"github.com/raftlab/raftlab/core/wal/memfs"
)

// simSegmentSize is the segment size the simulator uses (netsim/nodehost).
const simSegmentSize = 32 << 10

// simWorkload saves what a simulated node saves: one or two 80-byte entries and a hard state per
// batch, each batch synced, until the log holds entries.
func simWorkload(tb testing.TB, w *wal.WAL, first, entries uint64) {
	data := make([]byte, 80)
	ents := make([]raft.Entry, 0, 2)
	for i := first; i < first+entries; {
		ents = ents[:0]
		for j := 0; j < 1+int(i%2) && i < first+entries; j++ {
			ents = append(ents, raft.Entry{Term: 3, Index: i, Data: data})
			i++
		}
		if err := w.Save(raft.HardState{Term: 3, Vote: 1, Commit: i - 1}, ents); err != nil {
			tb.Fatal(err)
		}
		if err := w.Sync(); err != nil {
			tb.Fatal(err)
		}
	}
}

// BenchmarkOpenSimulated replays a simulated node's WAL (about 3 segments of 32 KiB) on memfs, as
// every simulated restart does.
func BenchmarkOpenSimulated(b *testing.B) {
	const n = 800
	fs := memfs.New()
	w, err := wal.Create(fs, testDir, testMetadata, wal.Options{SegmentSize: simSegmentSize})
	if err != nil {
		b.Fatal(err)
	}
	simWorkload(b, w, 1, n)
	if err := w.Close(); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		w, rec, err := wal.Open(fs, testDir, wal.Options{SegmentSize: simSegmentSize})
		if err != nil || len(rec.Entries) != n {
			b.Fatalf("open: %v, %d entries", err, len(rec.Entries))
		}
		if err := w.Close(); err != nil { // nothing to sync: releases the segment's handle
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/entry")
}

// BenchmarkSaveSyncSimulated saves and syncs a simulated node's batches on memfs, segment cuts
// included.
func BenchmarkSaveSyncSimulated(b *testing.B) {
	const n = 800
	b.ReportAllocs()
	for b.Loop() {
		w, err := wal.Create(memfs.New(), testDir, testMetadata, wal.Options{SegmentSize: simSegmentSize})
		if err != nil {
			b.Fatal(err)
		}
		simWorkload(b, w, 1, n)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/entry")
}
