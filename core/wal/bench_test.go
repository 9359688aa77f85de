package wal_test

import (
	"fmt"
	"testing"

	"github.com/raftlab/raftlab/core/raft"
	"github.com/raftlab/raftlab/core/wal"
)

// BenchmarkAppend appends 100-byte entries on the real disk (OSFS in a temp dir), one Save per
// entry, with one Sync per group of entries: group=1 is an fsync per entry, larger groups are
// group commit. Reports appends/s and fsyncs/1000entries.
func BenchmarkAppend(b *testing.B) {
	for _, group := range []int{1, 10, 100, 1000} {
		b.Run(fmt.Sprintf("group=%d", group), func(b *testing.B) {
			w, err := wal.Create(wal.OSFS(), b.TempDir()+"/wal", []byte("bench"), wal.Options{})
			if err != nil {
				b.Fatal(err)
			}
			data := make([]byte, 100)
			syncsBefore := w.Stats().Syncs
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				ent := raft.Entry{Term: 1, Index: uint64(i) + 1, Data: data}
				if err := w.Save(raft.HardState{Term: 1, Commit: uint64(i)}, []raft.Entry{ent}); err != nil {
					b.Fatal(err)
				}
				if (i+1)%group == 0 {
					if err := w.Sync(); err != nil {
						b.Fatal(err)
					}
				}
			}
			if err := w.Sync(); err != nil {
				b.Fatal(err)
			}
			b.StopTimer()
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "appends/s")
			b.ReportMetric(float64(w.Stats().Syncs-syncsBefore)*1000/float64(b.N), "fsyncs/1000entries")
			if err := w.Close(); err != nil {
				b.Fatal(err)
			}
		})
	}
}

// BenchmarkOpen measures replay of a 10 000-entry log on the real disk.
func BenchmarkOpen(b *testing.B) {
	dir := b.TempDir() + "/wal"
	w, err := wal.Create(wal.OSFS(), dir, []byte("bench"), wal.Options{SegmentSize: 256 << 10})
	if err != nil {
		b.Fatal(err)
	}
	data := make([]byte, 100)
	for i := uint64(1); i <= 10000; i += 100 {
		var ents []raft.Entry
		for j := i; j < i+100; j++ {
			ents = append(ents, raft.Entry{Term: 1, Index: j, Data: data})
		}
		if err := w.Save(raft.HardState{Term: 1, Commit: i}, ents); err != nil {
			b.Fatal(err)
		}
		if err := w.Sync(); err != nil {
			b.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		w, rec, err := wal.Open(wal.OSFS(), dir, wal.Options{})
		if err != nil || len(rec.Entries) != 10000 {
			b.Fatalf("open: %v, %d entries", err, len(rec.Entries))
		}
		if err := w.Close(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(10000*float64(b.N)/b.Elapsed().Seconds(), "entries/s")
}
