package checker

import (
	"fmt"
	"math"
	"math/rand"
	"testing"

	"github.com/anishathalye/porcupine"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/raftlab/raftlab/checker/history"
)

func pendingSet(call int64, value string) porcupine.Operation {
	op := &history.Op{Kind: history.KindSet, Key: "/k", Value: value, Call: call, Return: call + 1, Outcome: history.OutcomeUnknown}
	return porcupine.Operation{Input: op, Call: call, Return: math.MaxInt64}
}

func TestSearchHistoryRenamesUnobservedValuesAndRanksClassesByCall(t *testing.T) {
	read := &history.Op{Kind: history.KindQGet, Key: "/k", Call: 50, Return: 60, Outcome: history.OutcomeOK, Found: true, Result: "seen"}
	ops := []porcupine.Operation{
		pendingSet(30, "a"),
		pendingSet(10, "b"),
		pendingSet(20, "seen"),
		{Input: read, Call: 50, Return: 60},
		pendingSet(40, "c"),
	}
	got := searchHistory(ops)
	require.Len(t, got, len(ops))
	in := func(i int) *searchOp { return got[i].Input.(*searchOp) }

	for _, i := range []int{0, 1, 4} {
		assert.Equal(t, unobservedValue, in(i).op.Value, "op %d writes a value nobody observes", i)
		assert.Equal(t, int8(0), in(i).class, "op %d joins the class of unobserved sets", i)
	}
	assert.Equal(t, uint16(0), in(1).rank, "the earliest call comes first")
	assert.Equal(t, uint16(1), in(0).rank)
	assert.Equal(t, uint16(2), in(4).rank)
	assert.Equal(t, "seen", in(2).op.Value, "an observed value keeps its name")
	assert.Equal(t, int8(-1), in(2).class, "a class of one is not ordered")
	assert.Equal(t, int8(-1), in(3).class, "a read is never ordered")
	assert.Equal(t, "a", ops[0].Input.(*history.Op).Value, "the reduced history is not modified")
}

func TestSearchStepTakesAClassInOrder(t *testing.T) {
	ops := searchHistory([]porcupine.Operation{pendingSet(10, "a"), pendingSet(20, "b")})
	first, second := ops[0].Input.(*searchOp), ops[1].Input.(*searchOp)
	ok, _ := searchStep(searchState{}, second)
	assert.False(t, ok, "the later write of a class may not go before the earlier one")
	ok, s := searchStep(searchState{}, first)
	require.True(t, ok)
	ok, s = searchStep(s, second)
	require.True(t, ok)
	assert.Equal(t, uint16(2), s.placed[0])
	assert.True(t, s.key.Exists)
}

// TestSearchKeepsVerdicts compares the ordered search with porcupine on the unreduced history, for
// random one-key histories of every shape, many with a large share of unknown outcomes (so classes of
// interchangeable writes form), half of them corrupted by changing one quorum read.
func TestSearchKeepsVerdicts(t *testing.T) {
	tests := []struct {
		ops, clients, unknownPct int
	}{
		{30, 3, 40},
		{40, 4, 25},
		{24, 6, 60},
		{30, 5, 50},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%d-ops-%d-clients-%d%%-unknown", tt.ops, tt.clients, tt.unknownPct), func(t *testing.T) {
			bad, ordered := 0, 0
			for seed := int64(1); seed <= 150; seed++ {
				ops := genHistory(seed, tt.ops, tt.clients, 1, tt.unknownPct)
				if seed%2 == 0 {
					corruptOneRead(rand.New(rand.NewSource(seed)), ops)
				}
				want := porcupine.CheckOperations(V2Model(), PorcupineHistory(ops))
				if !want {
					bad++
				}
				lin, _ := classify(ops)
				got := true
				for _, k := range keyOrder(lin) {
					got = got && porcupine.CheckOperations(searchModel(), k.search)
					for _, o := range k.search {
						if o.Input.(*searchOp).class >= 0 {
							ordered++
						}
					}
				}
				require.Equal(t, want, got, "seed %d: %s", seed, fmt.Sprint(ops))
			}
			assert.Greater(t, bad, 10, "the corruptions produce violations to catch")
			assert.Greater(t, ordered, 50, "the histories have interchangeable writes to order")
		})
	}
}

// corruptOneRead makes one successful quorum read return another op's value.
func corruptOneRead(rng *rand.Rand, ops []history.Op) {
	for _, i := range rng.Perm(len(ops)) {
		if ops[i].Kind == history.KindQGet && ops[i].Outcome == history.OutcomeOK && ops[i].Found {
			ops[i].Result = ops[rng.Intn(len(ops))].Value
			ops[i].Index = 0
			return
		}
	}
}
