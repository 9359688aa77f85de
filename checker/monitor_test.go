package checker

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/raftlab/raftlab/core/raft"
)

func entries(termsFrom1 ...uint64) []raft.Entry {
	out := make([]raft.Entry, len(termsFrom1))
	for i, t := range termsFrom1 {
		out[i] = raft.Entry{Index: uint64(i + 1), Term: t, Data: []byte{byte(t), byte(i)}}
	}
	return out
}

func TestMonitor(t *testing.T) {
	tests := []struct {
		name    string
		observe func(m *Monitor)
		want    string // fragment of the only violation, or "" for none
	}{
		{"one leader per term", func(m *Monitor) {
			m.ObserveRole(1, 1, true, 10)
			m.ObserveRole(1, 1, true, 11) // the same report again
			m.ObserveRole(1, 1, false, 20)
			m.ObserveRole(2, 2, true, 30)
		}, ""},
		{"two leaders in a term", func(m *Monitor) {
			m.ObserveRole(1, 3, true, 10)
			m.ObserveRole(2, 3, true, 15)
		}, "at 0.000 s: election safety: two leaders in term 3: node 1 (since 0.000 s) and node 2"},
		{"term going back", func(m *Monitor) {
			m.ObserveRole(1, 4, false, 10)
			m.ObserveRole(1, 3, false, 20)
		}, "at 0.000 s: term of node 1 went back from 4 to 3"},
		{"term re-learned after a restart", func(m *Monitor) {
			m.ObserveRole(1, 4, false, 10)
			m.ObserveRestart(1, 15)
			m.ObserveRole(1, 3, false, 20)
		}, ""},
		{"commit only moves forward", func(m *Monitor) {
			m.ObserveCommit(1, 3, 10)
			m.ObserveCommit(1, 5, 20)
			m.ObserveCommit(2, 1, 20)
		}, ""},
		{"commit going back", func(m *Monitor) {
			m.ObserveCommit(1, 5, 10)
			m.ObserveCommit(1, 4, 20)
		}, "at 0.000 s: commit index of node 1 went back from 5 to 4"},
		{"commit re-learned after a restart", func(m *Monitor) {
			m.ObserveCommit(1, 5, 10)
			m.ObserveRestart(1, 15)
			m.ObserveCommit(1, 2, 20)
		}, ""},
		{"same entries applied everywhere", func(m *Monitor) {
			m.ObserveApply(1, 1, 1, 0xaa, 10)
			m.ObserveApply(2, 1, 1, 0xaa, 12)
			m.ObserveApply(1, 2, 1, 0xbb, 13)
		}, ""},
		{"divergent apply", func(m *Monitor) {
			m.ObserveApply(1, 1, 1, 0xaa, 10)
			m.ObserveApply(2, 1, 2, 0xcc, 12)
		}, "at 0.000 s: state-machine safety: node 2 applied term 2 (data 00000000000000cc) at raft index 1, but node 1 applied term 1"},
		{"apply out of order", func(m *Monitor) {
			m.ObserveApply(1, 2, 1, 0xaa, 10)
			m.ObserveApply(1, 2, 1, 0xaa, 11)
		}, "at 0.000 s: node 1 applied raft index 2 after raft index 2"},
		{"re-apply after restart", func(m *Monitor) {
			m.ObserveApply(1, 1, 1, 0xaa, 10)
			m.ObserveRestart(1, 11)
			m.ObserveApply(1, 1, 1, 0xaa, 12)
		}, ""},
		{"apply disagrees with a committed log entry", func(m *Monitor) {
			m.ObserveLog(1, entries(1, 1), 2, 10)
			m.ObserveApply(2, 2, 3, 0xaa, 12)
		}, "node 2 applied term 3 at raft index 2, but node 1 committed term 1 there"},
		{"logs that match", func(m *Monitor) {
			m.ObserveLog(1, entries(1, 1, 2), 2, 10)
			m.ObserveLog(2, entries(1, 1), 1, 11)
			m.ObserveLog(3, entries(1, 1, 3), 2, 12) // uncommitted index 3 replaced in term 3
		}, ""},
		{"same index and term, different data", func(m *Monitor) {
			m.ObserveLog(1, entries(1, 1), 0, 10)
			other := entries(1, 1)
			other[1].Data = []byte("different")
			m.ObserveLog(2, other, 0, 11)
		}, "at 0.000 s: log matching: node 2 has different data at raft index 2 term 1 than node 1 had at 0.000 s"},
		{"same index and term, different history before", func(m *Monitor) {
			m.ObserveLog(1, entries(1, 2), 0, 10)
			other := entries(1, 2)
			other[0].Term = 2
			other[0].Data = []byte{1, 0} // keep index 1's data out of it: only the term differs
			m.ObserveLog(2, other, 0, 11)
		}, "log matching: node 2 has term 2 before raft index 2 term 2, node 1 had term 1"},
		{"committed entry replaced", func(m *Monitor) {
			m.ObserveLog(1, entries(1, 1), 2, 10)
			m.ObserveLog(1, entries(1, 2), 2, 20)
		}, "at 0.000 s: committed entry changed: node 1 has term 2"},
		{"the same log seen again and again", func(m *Monitor) {
			log := entries(1, 1, 2)
			m.ObserveLog(1, log, 1, 10)
			m.ObserveLog(1, log, 3, 20)
			m.ObserveLog(1, log[1:], 3, 30) // compacted
		}, ""},
		{"an entry replaced with other data, same term, in a log seen before", func(m *Monitor) {
			log := entries(1, 1)
			m.ObserveLog(1, log, 0, 10)
			log[1].Data = []byte("different")
			m.ObserveLog(1, log, 0, 20)
		}, "at 0.000 s: log matching: node 1 has different data at raft index 2 term 1 than node 1 had at 0.000 s"},
		{"an entry seen before commits later, against another node's commit", func(m *Monitor) {
			log := entries(1, 1)
			m.ObserveLog(1, log, 1, 10)
			other := entries(1, 2)
			m.ObserveLog(2, other, 2, 15)
			m.ObserveLog(1, log, 2, 20) // the very entry seen at t=10, committed now
		}, "at 0.000 s: committed entry changed: node 1 has term 1"},
		{"a restarted node's log is checked afresh", func(m *Monitor) {
			log := entries(1, 1)
			m.ObserveLog(1, log, 2, 10)
			m.ObserveRestart(1, 15)
			log[1].Term = 3
			m.ObserveLog(1, log, 2, 20)
		}, "at 0.000 s: committed entry changed: node 1 has term 3"},
		{"new leader holds every committed entry", func(m *Monitor) {
			m.ObserveLog(1, entries(1, 1, 1), 3, 10)
			m.ObserveRole(2, 2, true, 20)
			m.ObserveLog(2, entries(1, 1, 1, 2), 3, 20)
		}, ""},
		{"new leader misses a committed entry", func(m *Monitor) {
			m.ObserveLog(1, entries(1, 1, 1), 3, 10)
			m.ObserveRole(2, 2, true, 20)
			m.ObserveLog(2, entries(1, 1), 1, 20)
		}, "at 0.000 s: leader completeness: node 2 leads term 2 without raft index 3 (term 1), committed by node 1 at 0.000 s"},
		{"new leader has another term at a committed index", func(m *Monitor) {
			m.ObserveLog(1, entries(1, 1), 2, 10)
			m.ObserveRole(2, 3, true, 20)
			m.ObserveLog(2, entries(1, 2, 3), 1, 20)
		}, "leader completeness: node 2 leads term 3 with term 2 at raft index 2, but term 1 was committed there"},
		{"a stale leader elected late owes nothing committed in its term or later", func(m *Monitor) {
			m.ObserveRole(1, 2, true, 5)
			m.ObserveLog(1, entries(2), 1, 10)
			m.ObserveRole(3, 1, true, 20) // votes held while it was paused, counted on resume
			m.ObserveLog(3, entries(1), 0, 20)
		}, ""},
		{"entries committed after the election are not owed", func(m *Monitor) {
			m.ObserveRole(2, 2, true, 5)
			m.ObserveLog(1, entries(1, 1), 2, 10)
			m.ObserveLog(2, entries(1), 1, 10)
		}, ""},
		{"acknowledged writes kept", func(m *Monitor) {
			m.AckedWrite("/a", 4)
			m.AckedWrite("/b", 5)
			m.AckedWrite("/a", 3) // an older ack arriving late changes nothing
			m.FinalState(finalStore(map[string]uint64{"/a": 4, "/b": 9}))
		}, ""},
		{"acknowledged write lost", func(m *Monitor) {
			m.AckedWrite("/a", 4)
			m.FinalState(finalStore(map[string]uint64{"/a": 2}))
		}, "end: acknowledged write of /a at etcd index 4 lost: the key holds etcd index 2"},
		{"acknowledged key gone", func(m *Monitor) {
			m.AckedWrite("/a", 4)
			m.FinalState(finalStore(nil))
		}, "end: acknowledged write of /a at etcd index 4 lost: the key is gone"},
		{"key gone after a delete attempt", func(m *Monitor) {
			m.AckedWrite("/a", 4)
			m.DeleteAttempted("/a")
			m.FinalState(finalStore(nil))
		}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := NewMonitor()
			tt.observe(m)
			got := m.Violations()
			if tt.want == "" {
				assert.Empty(t, got)
				return
			}
			require.Len(t, got, 1, "violations: %q", got)
			assert.Contains(t, got[0], tt.want)
		})
	}
}

func finalStore(indexes map[string]uint64) func(string) (string, uint64, bool) {
	return func(key string) (string, uint64, bool) {
		index, ok := indexes[key]
		return "v", index, ok
	}
}

func TestMonitorViolationsIsACopy(t *testing.T) {
	m := NewMonitor()
	m.ObserveCommit(1, 5, 1)
	m.ObserveCommit(1, 4, 2)
	got := m.Violations()
	require.Len(t, got, 1)
	got[0] = "changed"
	assert.True(t, strings.HasPrefix(m.Violations()[0], "at 0.000 s:"))
}

func TestEntryHashDistinguishesData(t *testing.T) {
	assert.NotEqual(t, EntryHash([]byte("a")), EntryHash([]byte("b")))
	assert.Equal(t, EntryHash([]byte("same")), EntryHash([]byte("same")))
}

func BenchmarkMonitorObserveLog(b *testing.B) {
	log := make([]raft.Entry, 1000)
	for i := range log {
		log[i] = raft.Entry{Index: uint64(i + 1), Term: 1, Data: make([]byte, 64)}
	}
	m := NewMonitor()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		m.ObserveLog(uint64(i%3+1), log, 900, int64(i))
	}
	b.ReportMetric(float64(len(log)), "entries/call")
}
