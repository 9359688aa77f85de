package node

import (
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/raftlab/raftlab/core/store"
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
		d := newDedupTable(window, 1<<30, rng.IntN(3*window)-window)
		m := &dedupModel{window: window, ids: []uint64{}, results: map[uint64]appliedResult{}}
		for step := range 300 {
			id := uint64(rng.IntN(3 * window))
			r := appliedResult{EtcdIndex: uint64(round*1000 + step)}
			d.remember(id, r)
			m.remember(id, r)
			require.Equal(t, m.ids, d.ids(), "round %d step %d", round, step)
			entries := make([]dedupEntry, 0, len(m.ids))
			for _, id := range m.ids {
				entries = append(entries, dedupEntry{id: id, r: m.results[id]})
			}
			require.Equal(t, entries, d.entries(), "round %d step %d", round, step)
			probe := uint64(rng.IntN(3 * window))
			want, wantOK := m.results[probe]
			got, gotOK := d.lookup(probe)
			require.Equal(t, wantOK, gotOK, "round %d step %d id %d", round, step, probe)
			require.Equal(t, want, got)
		}
		require.Equal(t, len(m.ids), d.at.len(), "round %d: nothing evicted stays behind", round)
	}
}

// A restarted node's table is presized for the entries it re-applies (never beyond the window).
func TestDedupTablePresizedForReplay(t *testing.T) {
	require.Equal(t, 100, cap(newDedupTable(20000, 1<<30, 100).slots))
	require.Equal(t, 50, cap(newDedupTable(50, 1<<30, 100).slots))
	require.Equal(t, 0, cap(newDedupTable(50, 1<<30, -3).slots))
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
				d := newDedupTable(20000, DefaultDedupBytes, hint)
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

// BenchmarkDedupSteadyState is what an applied write costs the table once it is full, as under a
// long write load: the retry check, then remembering a 4 KiB write's result, which evicts the
// oldest result and moves one more past the default byte window.
func BenchmarkDedupSteadyState(b *testing.B) {
	const window = 20000 // the default Config.DedupWindow
	rng := rand.New(rand.NewPCG(9, 10))
	d := newDedupTable(window, DefaultDedupBytes, window)
	for i := range 2 * window {
		d.remember(rng.Uint64()|1, sizedResult(uint64(i), 4096))
	}
	fresh := make([]uint64, 4096)
	for i := range fresh {
		fresh[i] = rng.Uint64() | 1
	}
	r := sizedResult(1, 4096)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		id := fresh[i%len(fresh)] + uint64(i/len(fresh))<<1
		if _, ok := d.lookup(id); !ok {
			d.remember(id, r)
		}
		i++
	}
	require.Equal(b, window, len(d.ids()))
	require.LessOrEqual(b, d.bytes, DefaultDedupBytes)
}

// sizedResult is a result whose event holds a value of size bytes.
func sizedResult(index uint64, size int) appliedResult {
	v := strings.Repeat("v", size)
	return appliedResult{EtcdIndex: index, Event: &store.Event{Action: store.ActionSet,
		Node: &store.NodeExtern{Key: "/k", Value: &v, ModifiedIndex: index, CreatedIndex: index}}}
}

// The byte window on random workloads: the results that keep their events are the newest ones, they
// hold at most maxBytes (or are the newest alone), the older ones have dropped theirs, the running
// total is exact, and which IDs are remembered is what the count window alone says.
func TestDedupTableKeepsEventsOfTheNewestResultsOnly(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for round := range 200 {
		window, maxBytes := 1+rng.IntN(20), 1+rng.IntN(5000)
		d := newDedupTable(window, maxBytes, 0)
		m := &dedupModel{window: window, ids: []uint64{}, results: map[uint64]appliedResult{}}
		for step := range 300 {
			id := uint64(rng.IntN(3 * window))
			r := sizedResult(uint64(step), rng.IntN(1000))
			if rng.IntN(4) == 0 {
				r = appliedResult{EtcdIndex: uint64(step), Err: ErrIDExists}
			}
			d.remember(id, r)
			m.remember(id, r)
			ids := d.ids()
			require.Equal(t, m.ids, ids, "round %d step %d", round, step)
			total, seenPast := 0, false
			for i := len(ids) - 1; i >= 0; i-- {
				got, _ := d.lookup(ids[i])
				want := m.results[ids[i]]
				require.Equal(t, want.Err, got.Err)
				require.Equal(t, want.EtcdIndex, got.EtcdIndex)
				if got.past {
					seenPast = true
					require.Nil(t, got.Event)
					require.Equal(t, want.Event != nil, got.eventDropped, "round %d step %d", round, step)
					continue
				}
				require.False(t, seenPast, "round %d step %d: a result newer than a past one is past too", round, step)
				require.Equal(t, want.Event, got.Event)
				total += resultBytes(got)
			}
			require.Equal(t, total, d.bytes, "round %d step %d", round, step)
			require.True(t, total <= maxBytes || d.past == len(ids)-1, "round %d step %d: %d bytes kept", round, step, total)
		}
	}
}

// A retry of a request whose result is past the byte window is not applied again: it is answered
// ErrTimeout (its outcome is no longer known), while a newer one gets its result.
func TestRetryOfAForgottenResultIsNotAppliedAgain(t *testing.T) {
	c := newTestCluster(t, 3, func(cfg *Config) { cfg.DedupBytes = 64 << 10 })
	lead := c.waitLeader()
	big := strings.Repeat("b", 40<<10)
	first := Request{ID: c.newID(), Kind: KindWrite, Write: store.Request{Op: store.OpCreate, Key: "/first", Value: big}}
	rep, ok := c.submit(lead, first, 50)
	require.True(t, ok)
	require.NoError(t, rep.Err)
	for i := range 3 {
		r, ok := c.submit(lead, Request{Kind: KindWrite, Write: store.Request{Op: store.OpSet, Key: "/more/" + strconv.Itoa(i), Value: big}}, 50)
		require.True(t, ok)
		require.NoError(t, r.Err)
	}
	index := c.nodes[lead].Status().EtcdIndex
	rep, ok = c.submit(lead, first, 50)
	require.True(t, ok)
	require.ErrorIs(t, rep.Err, ErrTimeout, "the retry's outcome is no longer known...")
	assert.Equal(t, index, c.nodes[lead].Status().EtcdIndex, "...and it was not applied again")
	last, _ := c.nodes[lead].dedup.lookup(c.nextID)
	require.NotNil(t, last.Event, "the newest result keeps its event")
}

// ids returns the remembered IDs oldest first (the order of entries).
func (d *dedupTable) ids() []uint64 {
	out := make([]uint64, 0, len(d.slots))
	for _, e := range d.entries() {
		out = append(out, e.id)
	}
	return out
}
