package store

import (
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFrozenEncodesTheStateItWasTakenFrom(t *testing.T) {
	s := richStore(t)
	want := saved(t, s)
	f := s.Freeze()
	assert.Equal(t, s.Index(), f.Index())
	assert.Equal(t, s.DataBytes(), f.DataBytes())

	// Everything a snapshot holds changes after the freeze: values, directories, TTLs, the
	// history, the internal tree.
	applyAll(t, s,
		set("/dir/x", "changed"),
		set("/new/deep/key", "v"),
		withTTL(Request{Op: OpUpdate, Key: "/ttl", Refresh: true}, t0+20*sec, t0),
		Request{Op: OpDelete, Key: "/dir", Dir: true, Recursive: true},
		Request{Op: OpCreateInOrder, Key: "/queue", Value: "job2"},
	)
	_, err := s.SetInternal("/version", "3.6.0")
	require.NoError(t, err)
	require.NotEqual(t, string(want), string(saved(t, s)))

	got, err := f.AppendSnapshot([]byte("prefix"), nil)
	require.NoError(t, err)
	assert.Equal(t, "prefix"+string(want), string(got))

	restored := New()
	require.NoError(t, restored.Recovery(got[len("prefix"):]))
	assert.Equal(t, string(want), string(saved(t, restored)))
}

// TestFreezeAllocatesByTheChunk: a freeze happens in the node's step, so it allocates its nodes by
// the chunk and each directory's children as one slice, not a node and a map entry per key.
func TestFreezeAllocatesByTheChunk(t *testing.T) {
	s := New()
	const keys = 2000
	for i := range keys {
		mustApply(t, s, set("/dir/k"+strconv.Itoa(i), "v"))
	}
	allocs := testing.AllocsPerRun(5, func() { s.Freeze() })
	// The Frozen, its history, one slice of children per directory (three), and the chunks: well
	// under one allocation per 64 keys.
	assert.LessOrEqual(t, allocs, float64(keys/64), "allocations per freeze of %d keys", keys)
}
