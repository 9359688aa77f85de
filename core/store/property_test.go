package store

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// propertyKeys is a small key space so random operations collide often: nested paths, a hidden key,
// a path that can be both a file and a directory's parent.
var propertyKeys = []string{"/a", "/a/b", "/a/b/c", "/a/d", "/b", "/c/_h", "/c/e", "/", "/q"}

// randomRequest draws one request; clock is the simulated time, advanced by the caller.
func randomRequest(rng *rand.Rand, clock int64) Request {
	r := Request{
		Op:    Op(1 + rng.IntN(int(OpSync))),
		Key:   propertyKeys[rng.IntN(len(propertyKeys))],
		Value: []string{"", "x", "y"}[rng.IntN(3)],
		Dir:   rng.IntN(4) == 0,
		Time:  clock,
	}
	switch rng.IntN(3) {
	case 0:
		r.PrevValue = []string{"x", "y"}[rng.IntN(2)]
	case 1:
		r.PrevIndex = uint64(rng.IntN(30))
	}
	r.Recursive = rng.IntN(2) == 0
	if rng.IntN(3) == 0 {
		r.HasTTL, r.Expiration = true, clock+int64(rng.IntN(4))*sec
	}
	if rng.IntN(8) == 0 {
		r.Refresh, r.Value = true, ""
	}
	return r
}

// outcome renders an Apply result for comparison.
func outcome(t testing.TB, e *Event, err error) string {
	if err != nil {
		return "error " + jsonOf(t, err)
	}
	if e == nil {
		return "nil"
	}
	return jsonOf(t, e) + " @" + itoa(e.EtcdIndex)
}

// TestPropertySnapshotReplicaAgrees applies random operations to A, copies A into B through
// Save/Recovery at random points, keeps applying every operation to both, and checks that results,
// reads, watch deliveries and snapshot bytes agree.
func TestPropertySnapshotReplicaAgrees(t *testing.T) {
	compared, delivered := 0, 0
	for seed := uint64(1); seed <= 20; seed++ {
		rng := rand.New(rand.NewPCG(seed, 0x5eed))
		a, b := New(), New()
		wa := mustWatch(t, a, "/", true, true, 0)
		var wb *Watcher
		clock := t0
		copied := false
		for step := 0; step < 400; step++ {
			clock += int64(rng.IntN(3)) * sec / 2
			if rng.IntN(40) == 0 {
				require.NoError(t, b.Recovery(saved(t, a)), "seed %d step %d", seed, step)
				if !copied {
					wb = mustWatch(t, b, "/", true, true, a.Index()+1)
				}
				copied = true
			}
			var r Request
			if rng.IntN(25) == 0 {
				member := "/members/" + itoa(uint64(rng.IntN(3)))
				_, ea := a.SetInternal(member, "m")
				_, eb := b.SetInternal(member, "m")
				if copied {
					assert.Equal(t, ea == nil, eb == nil)
				}
				continue
			}
			r = randomRequest(rng, clock)
			ea, erra := a.Apply(r)
			eb, errb := b.Apply(r)
			if copied {
				require.Equal(t, outcome(t, ea, erra), outcome(t, eb, errb), "seed %d step %d %+v", seed, step, r)
				if erra == nil && ea != nil {
					compared++
				}
			}
			// Keep the watchers drained so they never overflow.
			evA, _ := drain(wa)
			if wb != nil {
				evB, _ := drain(wb)
				require.Equal(t, jsonOf(t, evA), jsonOf(t, evB), "seed %d step %d", seed, step)
				delivered += len(evB)
			}
		}
		require.True(t, copied, "seed %d never copied", seed)
		requireSameBytes(t, saved(t, a), saved(t, b), "seed %d", seed)
		ga, err := a.Get("/", true, false, clock)
		require.NoError(t, err)
		gb, err := b.Get("/", true, false, clock)
		require.NoError(t, err)
		require.Equal(t, jsonOf(t, ga), jsonOf(t, gb))
	}
	t.Logf("%d successful writes compared, %d watch events compared", compared, delivered)
	require.Greater(t, compared, 1000, "the random mix must mostly produce comparable successes")
	require.Greater(t, delivered, 500)
}

// requireSameBytes compares two snapshots and reports only the neighbourhood of the first difference.
func requireSameBytes(t testing.TB, want, got []byte, msgAndArgs ...any) {
	t.Helper()
	if string(want) == string(got) {
		return
	}
	i := 0
	for i < len(want) && i < len(got) && want[i] == got[i] {
		i++
	}
	from := max(0, i-200)
	require.Fail(t, "snapshots differ", "at byte %d:\nwant …%s\ngot  …%s\n%v", i,
		want[from:min(len(want), i+200)], got[from:min(len(got), i+200)], msgAndArgs)
}
