package node

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// The ID index agrees with a Go map under random puts, updates and removals, across growth and
// wrap-around, with keys dense enough that probe runs collide and removals shift entries back.
func TestIDIndexAgreesWithMap(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	for round := range 50 {
		x := newIDIndex(rng.IntN(8))
		model := map[uint64]uint32{}
		keys := 1 + rng.IntN(200)
		for step := range 3000 {
			id := uint64(rng.IntN(keys)) // 0 included: never stored
			if rng.IntN(3) == 0 {
				id = uint64(rng.IntN(keys)) << 40 // high bits only: the hash must spread them
			}
			switch rng.IntN(3) {
			case 0, 1:
				if id != 0 {
					pos := uint32(step)
					x.put(id, pos)
					model[id] = pos
				}
			case 2:
				x.remove(id)
				delete(model, id)
			}
			probe := uint64(rng.IntN(keys))
			got, ok := x.get(probe)
			want, wantOK := model[probe]
			require.Equal(t, wantOK, ok, "round %d step %d id %d", round, step, probe)
			require.Equal(t, want, got, "round %d step %d id %d", round, step, probe)
			require.Equal(t, len(model), x.len(), "round %d step %d", round, step)
		}
		for id, want := range model {
			got, ok := x.get(id)
			require.True(t, ok, "round %d: %d lost", round, id)
			require.Equal(t, want, got)
		}
		require.LessOrEqual(t, 2*x.len(), len(x.slots), "load stays at most one half")
	}
}

// Removals in a probe run that wraps around the end of the table: four IDs whose home slots are the
// last two of eight, removed in every order, leave every other one findable.
func TestIDIndexRemovalInAWrappedRun(t *testing.T) {
	probe := newIDIndex(4)
	require.Len(t, probe.slots, 8)
	var ids []uint64
	for id := uint64(1); len(ids) < 4; id++ {
		if probe.home(id) >= 6 {
			ids = append(ids, id)
		}
	}
	for _, order := range permutations(len(ids)) {
		x := newIDIndex(4)
		for i, id := range ids {
			x.put(id, uint32(i))
		}
		require.Len(t, x.slots, 8, "no growth: the run wraps")
		removed := map[uint64]bool{}
		for _, k := range order {
			x.remove(ids[k])
			removed[ids[k]] = true
			for i, id := range ids {
				got, ok := x.get(id)
				require.Equal(t, !removed[id], ok, "order %v: id %d", order, id)
				if ok {
					require.Equal(t, uint32(i), got)
				}
			}
		}
		require.Zero(t, x.len())
	}
}

// permutations lists every order of 0..n-1.
func permutations(n int) [][]int {
	if n == 0 {
		return [][]int{{}}
	}
	var out [][]int
	for _, p := range permutations(n - 1) {
		for i := 0; i <= len(p); i++ {
			q := append(append(append([]int{}, p[:i]...), n-1), p[i:]...)
			out = append(out, q)
		}
	}
	return out
}
