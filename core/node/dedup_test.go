package node

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
)

// dedupModel is the dedup table's specification in its plainest form: the remembered IDs oldest
// first, a new one dropping the oldest once there are window of them.
type dedupModel struct {
	window  int
	ids     []uint64
	results map[uint64]appliedResult
}

func (m *dedupModel) remember(id uint64, r appliedResult) {
	if id == 0 {
		return
	}
	if _, ok := m.results[id]; !ok {
		if len(m.ids) == m.window {
			delete(m.results, m.ids[0])
			m.ids = m.ids[1:]
		}
		m.ids = append(m.ids, id)
	}
	m.results[id] = r
}

// The table agrees with the model on random workloads with repeats, ID 0, evictions and either
// size hint, in what it finds and in the order its snapshot lists.
func TestDedupTableAgreesWithModel(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for round := range 200 {
		window := 1 + rng.IntN(20)
		d := newDedupTable(window, rng.IntN(3*window)-window)
		m := &dedupModel{window: window, ids: []uint64{}, results: map[uint64]appliedResult{}}
		for step := range 300 {
			id := uint64(rng.IntN(3 * window))
			r := appliedResult{EtcdIndex: uint64(round*1000 + step)}
			d.remember(id, r)
			m.remember(id, r)
			require.Equal(t, m.ids, d.ids(), "round %d step %d", round, step)
			probe := uint64(rng.IntN(3 * window))
			want, wantOK := m.results[probe]
			got, gotOK := d.lookup(probe)
			require.Equal(t, wantOK, gotOK, "round %d step %d id %d", round, step, probe)
			require.Equal(t, want, got)
		}
		require.Len(t, d.results, len(m.ids), "round %d: nothing evicted stays behind", round)
	}
}

// A restarted node's table is presized for the entries it re-applies (never beyond the window).
func TestDedupTablePresizedForReplay(t *testing.T) {
	require.Equal(t, 100, cap(newDedupTable(20000, 100).order))
	require.Equal(t, 50, cap(newDedupTable(50, 100).order))
	require.Equal(t, 0, cap(newDedupTable(50, -3).order))
}

// BenchmarkDedupApply is what applying a fresh run of entries costs the table: a lookup (the
// retry check) and a remember per entry, from an empty table as after a restart.
func BenchmarkDedupApply(b *testing.B) {
	rng := rand.New(rand.NewPCG(7, 8))
	ids := make([]uint64, 2000)
	for i := range ids {
		ids[i] = rng.Uint64() | 1
	}
	for _, hint := range []int{0, len(ids)} {
		name := "grown"
		if hint > 0 {
			name = "presized"
		}
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				d := newDedupTable(20000, hint)
				for i, id := range ids {
					if _, ok := d.lookup(id); !ok {
						d.remember(id, appliedResult{EtcdIndex: uint64(i)})
					}
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(ids)), "ns/entry")
		})
	}
	require.False(b, slices.Contains(ids, 0))
}
