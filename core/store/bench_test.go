package store

import (
	"fmt"
	"testing"
)

// benchKeys spreads writes over 1000 keys in 10 directories.
func benchKeys() []string {
	keys := make([]string, 1000)
	for i := range keys {
		keys[i] = fmt.Sprintf("/bench/d%d/k%d", i%10, i)
	}
	return keys
}

// reportOpsPerSec adds the apply throughput as a custom metric.
func reportOpsPerSec(b *testing.B) {
	if s := b.Elapsed().Seconds(); s > 0 {
		b.ReportMetric(float64(b.N)/s, "ops/s")
	}
}

// BenchmarkApplySet measures plain sets (replace existing keys after the first round).
func BenchmarkApplySet(b *testing.B) {
	keys := benchKeys()
	s := New()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := s.Apply(Request{Op: OpSet, Key: keys[i%len(keys)], Value: "value"}); err != nil {
			b.Fatal(err)
		}
	}
	reportOpsPerSec(b)
}

// BenchmarkApplyMixed measures a mix of set, CAS, create-in-order, delete and TTL sets with syncs,
// with a recursive stream watcher drained as it goes.
func BenchmarkApplyMixed(b *testing.B) {
	keys := benchKeys()
	s := New()
	w, err := s.Watch("/", true, true, 0)
	if err != nil {
		b.Fatal(err)
	}
	now := t0
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		key := keys[i%len(keys)]
		var r Request
		switch i % 5 {
		case 0:
			r = Request{Op: OpSet, Key: key, Value: "v"}
		case 1:
			r = Request{Op: OpCompareAndSwap, Key: keys[(i-1)%len(keys)], PrevValue: "v", Value: "w"}
		case 2:
			r = Request{Op: OpCreateInOrder, Key: "/queue", Value: "job"}
		case 3:
			r = Request{Op: OpSet, Key: key, Value: "t", HasTTL: true, Expiration: now + sec, Time: now}
		case 4:
			now += sec / 10
			r = Request{Op: OpSync, Time: now}
		}
		_, _ = s.Apply(r)
		for len(w.EventChan()) > 0 {
			<-w.EventChan()
		}
	}
	reportOpsPerSec(b)
}

// BenchmarkGetRecursive reads a 1000-key subtree.
func BenchmarkGetRecursive(b *testing.B) {
	s := New()
	for _, k := range benchKeys() {
		if _, err := s.Apply(Request{Op: OpSet, Key: k, Value: "v"}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := s.Get("/bench", true, true, 0); err != nil {
			b.Fatal(err)
		}
	}
	reportOpsPerSec(b)
}

// BenchmarkSave snapshots a store with 1000 keys and a full history.
func BenchmarkSave(b *testing.B) {
	s := New()
	for _, k := range benchKeys() {
		if _, err := s.Apply(Request{Op: OpSet, Key: k, Value: "v"}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	var size int
	for i := 0; i < b.N; i++ {
		data, err := s.Save()
		if err != nil {
			b.Fatal(err)
		}
		size = len(data)
	}
	b.ReportMetric(float64(size), "bytes/snapshot")
}
