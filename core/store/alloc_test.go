package store

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Every replica applies every write (and applies it again after each restart), so the allocations
// of one Apply are multiplied many times over in a cluster. This pins them per kind of write, so a
// change that adds one is noticed. Each run applies its request to a fresh copy of the same store:
// a key that already exists, a key that does not, a directory, all without TTLs.
func TestApplyAllocations(t *testing.T) {
	cases := []struct {
		name   string
		req    Request
		allocs float64
	}{
		{name: "set of a new key", req: set("/dir/new", "v"), allocs: 2},
		{name: "set of an existing key", req: set("/dir/old", "w"), allocs: 1},
		{name: "update", req: Request{Op: OpUpdate, Key: "/dir/old", Value: "w"}, allocs: 1},
		{name: "compareAndSwap", req: Request{Op: OpCompareAndSwap, Key: "/dir/old", PrevValue: "v", Value: "w"}, allocs: 1},
		{name: "failed compareAndSwap", req: Request{Op: OpCompareAndSwap, Key: "/dir/old", PrevValue: "x", Value: "w"}, allocs: 2},
		{name: "create", req: Request{Op: OpCreate, Key: "/dir/new", Value: "v"}, allocs: 2},
		{name: "create in order", req: Request{Op: OpCreateInOrder, Key: "/dir", Value: "v"}, allocs: 3},
		{name: "create of an existing key", req: Request{Op: OpCreate, Key: "/dir/old", Value: "v"}, allocs: 1},
		{name: "delete", req: Request{Op: OpDelete, Key: "/dir/old"}, allocs: 1},
		{name: "compareAndDelete", req: Request{Op: OpCompareAndDelete, Key: "/dir/old", PrevValue: "v"}, allocs: 1},
		{name: "delete of a missing key", req: Request{Op: OpDelete, Key: "/dir/none"}, allocs: 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			stores := make([]*Store, 0, 30)
			for range cap(stores) {
				s := New()
				applyAll(t, s, set("/dir/old", "v"))
				stores = append(stores, s)
			}
			next := 0
			allocs := testing.AllocsPerRun(len(stores)-1, func() {
				_, _ = stores[next].Apply(c.req)
				next++
			})
			require.Equal(t, len(stores), next, "one warm-up and one measured run per store")
			assert.Equal(t, c.allocs, allocs)
		})
	}
}

// A read allocates its event with the node's view, and a listing allocates per directory (the
// sorted children, their views, the Nodes slice), not per child.
func TestGetAllocations(t *testing.T) {
	s := New()
	for _, d := range []string{"/top/a", "/top/b"} {
		for i := range 10 {
			applyAll(t, s, set(d+"/k"+itoa(uint64(i)), "v"))
		}
	}
	cases := []struct {
		name      string
		key       string
		recursive bool
		allocs    float64
	}{
		{name: "file", key: "/top/a/k1", allocs: 1},
		{name: "directory of files", key: "/top/a", allocs: 5},
		{name: "directory of directories", key: "/top", allocs: 5},
		{name: "recursive, three directories", key: "/top", recursive: true, allocs: 11},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			allocs := testing.AllocsPerRun(20, func() {
				_, err := s.Get(c.key, c.recursive, true, 0)
				require.NoError(t, err)
			})
			assert.Equal(t, c.allocs, allocs)
		})
	}
}

// An in-order key is built in one allocation: the 20-digit name, padded with zeros, goes straight
// into the path.
func TestInOrderKey(t *testing.T) {
	cases := []struct {
		dir   string
		index uint64
		want  string
	}{
		{dir: "/", index: 1, want: "/00000000000000000001"},
		{dir: "/queue", index: 1234567890, want: "/queue/00000000001234567890"},
		{dir: "/q", index: 18446744073709551615, want: "/q/18446744073709551615"},
	}
	for _, c := range cases {
		keys := make([]string, 0, 11) // the keys escape to the heap like a node's path does
		allocs := testing.AllocsPerRun(10, func() { keys = append(keys, inOrderKey(c.dir, c.index)) })
		assert.Equal(t, 1.0, allocs)
		assert.Equal(t, c.want, keys[0])
	}
}
