package checker

import (
	"fmt"
	"math/rand"
	"testing"

	"github.com/anishathalye/porcupine"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/raftlab/raftlab/checker/history"
)

// reduced runs classify and reduceKey on a one-key history and returns what the search would see.
func reduced(t *testing.T, ops []history.Op) []porcupine.Operation {
	t.Helper()
	lin := PorcupineHistory(ops)
	keys := keyOrder(lin)
	require.Len(t, keys, 1)
	return keys[0].reduced
}

func findOp(ops []porcupine.Operation, value string) (porcupine.Operation, bool) {
	for _, o := range ops {
		if o.Input.(*history.Op).Value == value {
			return o, true
		}
	}
	return porcupine.Operation{}, false
}

func failCAS(client int, key, prev, value string, call, ret int64) history.Op {
	return history.Op{Client: client, Kind: history.KindCAS, Key: key, PrevValue: prev, Value: value, Call: call,
		Return: ret, Outcome: history.OutcomeFail, ErrorCode: history.ErrCodeTestFailed}
}

func TestReduceClosesObservedUnknownWrite(t *testing.T) {
	ops := []history.Op{
		unknownWrite(0, history.KindSet, "/a", "1", 0, 10),
		read(1, qget, "/a", "1", 20, 30, 1),
		read(1, qget, "/a", "1", 40, 50, 1),
	}
	got, ok := findOp(reduced(t, ops), "1")
	require.True(t, ok)
	assert.Equal(t, int64(30), got.Return, "the earliest read of its value bounds the unknown write")

	cas := []history.Op{
		unknownWrite(0, history.KindSet, "/a", "1", 0, 10),
		{Client: 1, Kind: history.KindCAS, Key: "/a", PrevValue: "1", Value: "2", Call: 20, Return: 25,
			Outcome: history.OutcomeOK, Index: 2},
	}
	got, ok = findOp(reduced(t, cas), "1")
	require.True(t, ok)
	assert.Equal(t, int64(25), got.Return, "a successful compare against its value bounds it too")
}

func TestReduceDropsSilentAndDeadWrites(t *testing.T) {
	tests := []struct {
		name    string
		ops     []history.Op
		value   string // the unknown write looked at
		dropped bool
	}{
		{"never observed, nothing sensitive", []history.Op{
			okSet(0, "/a", "1", 0, 10, 1),
			unknownWrite(1, history.KindSet, "/a", "2", 5, 15),
			read(0, qget, "/a", "1", 20, 30, 1),
		}, "2", true},
		{"a later failed cas could rely on it", []history.Op{
			okSet(0, "/a", "1", 0, 10, 1),
			unknownWrite(1, history.KindSet, "/a", "2", 5, 15),
			failCAS(0, "/a", "1", "3", 20, 30),
		}, "2", false},
		{"a failed cas that returned before it began cannot", []history.Op{
			okSet(0, "/a", "1", 0, 10, 1),
			failCAS(0, "/a", "9", "3", 11, 12),
			unknownWrite(1, history.KindSet, "/a", "2", 15, 20),
		}, "2", true},
		{"its value is read", []history.Op{
			unknownWrite(1, history.KindSet, "/a", "2", 5, 15),
			read(0, qget, "/a", "2", 20, 30, 1),
		}, "2", false},
		{"cas against a value overwritten before it began", []history.Op{
			okSet(0, "/a", "1", 0, 10, 1),
			okSet(0, "/a", "2", 20, 30, 2),
			{Client: 1, Kind: history.KindCAS, Key: "/a", PrevValue: "1", Value: "3", Call: 40, Return: 50,
				Outcome: history.OutcomeUnknown},
			failCAS(0, "/a", "1", "4", 60, 70),
		}, "3", true},
		{"cas against a value that may still be current", []history.Op{
			okSet(0, "/a", "1", 0, 10, 1),
			okSet(0, "/a", "2", 5, 30, 2),
			{Client: 1, Kind: history.KindCAS, Key: "/a", PrevValue: "1", Value: "3", Call: 40, Return: 50,
				Outcome: history.OutcomeUnknown},
			failCAS(0, "/a", "1", "4", 60, 70),
		}, "3", false},
		{"cas against a value nobody wrote", []history.Op{
			{Client: 1, Kind: history.KindCAS, Key: "/a", PrevValue: "none", Value: "3", Call: 40, Return: 50,
				Outcome: history.OutcomeUnknown},
			failCAS(0, "/a", "x", "4", 60, 70),
		}, "3", true},
		{"create after the key surely exists", []history.Op{
			okSet(0, "/a", "1", 0, 10, 1),
			unknownWrite(1, history.KindCreate, "/a", "3", 20, 30),
			failCAS(0, "/a", "1", "4", 40, 50),
		}, "3", true},
		{"create when the key may have been deleted", []history.Op{
			okSet(0, "/a", "1", 0, 10, 1),
			{Client: 0, Kind: history.KindDelete, Key: "/a", Call: 12, Return: 14, Outcome: history.OutcomeUnknown},
			unknownWrite(1, history.KindCreate, "/a", "3", 20, 30),
			failCAS(0, "/a", "1", "4", 40, 50),
		}, "3", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, kept := findOp(reduced(t, tt.ops), tt.value)
			assert.Equal(t, !tt.dropped, kept)
			full := porcupine.CheckOperations(V2Model(), PorcupineHistory(tt.ops))
			assert.Equal(t, full, Check(tt.ops, Options{}).Linearizable, "the verdict does not change")
		})
	}
}

// TestReducedSearchStillCatchesViolations: a write that looks silent but is the only explanation of a
// failed create must not be dropped, and a duplicated effect is still caught after reduction.
func TestReducedSearchStillCatchesViolations(t *testing.T) {
	needed := []history.Op{
		unknownWrite(1, history.KindSet, "/a", "2", 0, 5),
		{Client: 0, Kind: history.KindCreate, Key: "/a", Value: "3", Call: 10, Return: 20,
			Outcome: history.OutcomeFail, ErrorCode: history.ErrCodeNodeExist},
	}
	assert.True(t, Check(needed, Options{}).Linearizable, "the unknown set explains the failed create")

	duplicated := []history.Op{
		unknownWrite(1, history.KindSet, "/a", "2", 0, 5),
		read(0, qget, "/a", "2", 10, 20, 1),
		okSet(0, "/a", "3", 30, 40, 2),
		read(0, qget, "/a", "2", 50, 60, 1),
	}
	v := Check(duplicated, Options{})
	assert.False(t, v.Linearizable, "the unknown write took effect once, not twice: %q", v.Problems)
}

// TestReduceKeepsVerdictsOfRandomHistories compares Check (which searches the reduced histories)
// with porcupine on the unreduced ones, on small generated histories with many unknown outcomes,
// half of them corrupted by changing one quorum read.
func TestReduceKeepsVerdictsOfRandomHistories(t *testing.T) {
	bad := 0
	for seed := int64(1); seed <= 300; seed++ {
		ops := genHistory(seed, 40, 4, 1, 25)
		if seed%2 == 0 {
			corruptOneRead(rand.New(rand.NewSource(seed)), ops)
		}
		want := porcupine.CheckOperations(V2Model(), PorcupineHistory(ops))
		if !want {
			bad++
		}
		lin, _ := classify(ops)
		gotReduced, gotSearch := true, true
		for _, k := range keyOrder(lin) {
			gotReduced = gotReduced && porcupine.CheckOperations(V2Model(), k.reduced)
			gotSearch = gotSearch && porcupine.CheckOperations(searchModel(), k.search)
		}
		require.Equal(t, want, gotReduced, "seed %d: reduced: %s", seed, fmt.Sprint(ops))
		require.Equal(t, want, gotSearch, "seed %d: searched: %s", seed, fmt.Sprint(ops))
	}
	assert.Greater(t, bad, 20, "the corruptions produce violations to catch")
}
