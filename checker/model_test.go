package checker

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/raftlab/raftlab/checker/history"
)

func TestDescribeOp(t *testing.T) {
	tests := []struct {
		op   history.Op
		want string
	}{
		{cas(0, "/a", "1", 0, "2", 0, 1, ok, 7, 0), `cas(/a, "1" -> "2") -> ok@7`},
		{cas(0, "/a", "", 4, "2", 0, 1, fail, 0, 101), `cas(/a, @4 -> "2") -> fail 101`},
		{history.Op{Kind: history.KindCAD, Key: "/a", PrevValue: "1", PrevIndex: 3, Outcome: unknown}, `cad(/a, "1"@3) -> unknown`},
		{okSet(0, "/a", "v", 0, 1, 2), `set(/a, "v") -> ok@2`},
		{read(0, qget, "/a", "v", 0, 1, 2), `qget(/a) -> "v"@2`},
		{write(0, history.KindDelete, "/a", "", 0, 1, ok, 3, 0), `delete(/a) -> ok@3`},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, describeOp(&tt.op))
	}
}

func TestDescribeState(t *testing.T) {
	assert.Equal(t, "<none>", describeState(keyState{}))
	assert.Equal(t, `"v"`, describeState(keyState{Exists: true, Value: "v"}))
	assert.Equal(t, "<a value nobody read>", describeState(keyState{Exists: true, Value: unobservedValue}),
		"the search's stand-in value never shows")
	assert.Equal(t, `"v"@4`, describeState(keyState{Exists: true, Value: "v", Index: 4, Last: 4}))
}

func TestHashStateSeparatesStates(t *testing.T) {
	states := []keyState{
		{},
		{Exists: true},
		{Exists: true, Value: "v"},
		{Exists: true, Value: "v", Index: 3, Last: 3},
		{Exists: true, Value: "v", Index: 0, Last: 3},
	}
	seen := map[uint64]keyState{}
	for _, s := range states {
		h := hashState(s)
		prev, dup := seen[h]
		assert.False(t, dup, "%+v and %+v hash alike", prev, s)
		seen[h] = s
		assert.Equal(t, h, hashState(s), "hash is a function of the state")
	}
}
