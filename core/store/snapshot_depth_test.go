package store

import (
	"runtime"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// deepStore holds chains chains of depth depth, each with a TTL'd file at the bottom, and with
// broom a sibling file at every tenth level, so snapshots see long directory chains with leaves
// along them.
func deepStore(t testing.TB, chains, depth int, broom bool) *Store {
	s := New()
	for c := range chains {
		key := "/c" + string(rune('a'+c)) + chainKey(depth-1)
		mustApply(t, s, withTTL(set(key, "leaf"), t0+3600*sec, t0))
		for d := 10; broom && d < depth; d += 10 {
			mustApply(t, s, set(key[:3+2*(d-1)]+"/f", "x"))
		}
	}
	return s
}

// TestSnapshotCostIsLinearInDepth: a snapshot of a directory chain (and its restore) costs in
// proportion to the data written (one key per chain), not to the sum of the path lengths of its
// directories. Eight times the depth must cost at most about eight times as much (a quadratic cost
// would be 64 times).
func TestSnapshotCostIsLinearInDepth(t *testing.T) {
	const shallow, deep = 255, 2040 // "/ca" and 2039 "/a" levels: 4081 bytes
	small, big := saved(t, deepStore(t, 2, shallow, false)), saved(t, deepStore(t, 2, deep, false))
	ratio := float64(len(big)) / float64(len(small))
	t.Logf("snapshot bytes: %d at depth %d, %d at depth %d (x%.1f)", len(small), shallow, len(big), deep, ratio)
	assert.Less(t, ratio, 8*1.5, "snapshot bytes: %d at depth %d, %d at depth %d", len(small), shallow, len(big), deep)

	allocSmall, allocBig := recoveryAllocBytes(t, small), recoveryAllocBytes(t, big)
	ratio = float64(allocBig) / float64(allocSmall)
	t.Logf("recovery allocates %d bytes at depth %d, %d at depth %d (x%.1f)", allocSmall, shallow, allocBig, deep, ratio)
	assert.Less(t, ratio, 8*2.0, "recovery allocates %d bytes at depth %d, %d at depth %d", allocSmall, shallow, allocBig, deep)
}

// recoveryAllocBytes is what restoring data into a fresh store allocates.
func recoveryAllocBytes(t *testing.T, data []byte) uint64 {
	s := New()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	require.NoError(t, s.Recovery(data))
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

func TestDeepStoreRoundTrip(t *testing.T) {
	a := deepStore(t, 3, 300, true)
	data := saved(t, a)
	b := New()
	require.NoError(t, b.Recovery(data))
	assert.Equal(t, string(data), string(saved(t, b)))
	ea, err := a.Get("/", true, true, t0)
	require.NoError(t, err)
	eb, err := b.Get("/", true, true, t0)
	require.NoError(t, err)
	assert.Equal(t, jsonOf(t, ea), jsonOf(t, eb))
	// The restored tree works: writes below and beside the chain, expiry of the TTL'd leaves.
	key := "/cb" + chainKey(299)
	applyAll(t, b, set(key[:41]+"/new", "n"), Request{Op: OpDelete, Key: "/ca", Dir: true, Recursive: true})
	got, err := b.Get(key[:41]+"/new", false, false, 0)
	require.NoError(t, err)
	assert.Equal(t, key[:41]+"/new", got.Node.Key)
	assert.Equal(t, []string{"expire " + key, "expire /cc" + chainKey(299)}, keysOf(b.ApplyExpired(t0+3601*sec)))
}

// BenchmarkDeepChain applies (as a log replay does), saves and restores one key per depth: the
// bytes per operation grow with the depth, not with its square.
func BenchmarkDeepChain(b *testing.B) {
	for _, depth := range []int{255, 1020, 2040} {
		key := "/c" + chainKey(depth-1)
		b.Run("apply/depth="+strconv.Itoa(depth), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				mustApply(b, New(), set(key, "v"))
			}
		})
		s := New()
		mustApply(b, s, set(key, "v"))
		data := saved(b, s)
		b.Run("save/depth="+strconv.Itoa(depth), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				saved(b, s)
			}
			b.ReportMetric(float64(len(data)), "snapshot-bytes")
		})
		b.Run("recovery/depth="+strconv.Itoa(depth), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := New().Recovery(data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
