package node

import (
	"bytes"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/raftlab/raftlab/core/store"
)

// TestLargeSnapshotDataDecodesInLinearMemory guards restores against decoding the store's bytes in
// 256 KiB steps that each copy everything read so far: 16 MiB of store took some 500 MiB of
// allocation that way; decoded in one piece it takes about its own size.
func TestLargeSnapshotDataDecodesInLinearMemory(t *testing.T) {
	const size = 16 << 20
	want := snapshotData{Store: bytes.Repeat([]byte("kv"), size/2), Members: []Member{{ID: 1, Name: "n1"}},
		Dedup: []dedupRecord{{ID: 7, ErrText: "boom", EtcdIndex: 3}}}
	data, err := newCodecs().encode(&want)
	require.NoError(t, err)

	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	var got snapshotData
	require.NoError(t, decodeLegacySnapshotData(data, &got))
	runtime.ReadMemStats(&after)

	assert.Equal(t, want.Store, got.Store)
	assert.Equal(t, want.Members, got.Members)
	assert.Equal(t, want.Dedup, got.Dedup)
	allocated := after.TotalAlloc - before.TotalAlloc
	assert.Less(t, allocated, uint64(3*size), "decoding %d bytes allocated %d", size, allocated)
}

// TestSnapshotCopiesAreBounded: taking a snapshot of N bytes allocates about N (the snapshot itself,
// its buffer sized from what the state holds; it was some 5 N when the store's JSON, then the
// msgpack of the whole, then a clone of it were each built in growing buffers), and restoring it
// allocates about 2 N (the decoded tree and history; the store's part is read in place).
func TestSnapshotCopiesAreBounded(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation figures are not measured under the race detector")
	}
	c := newTestCluster(t, 1, func(cfg *Config) { cfg.SnapshotCount = 1 << 30; cfg.SnapshotBytes = 1 << 40 })
	lead := c.waitLeader()
	value := strings.Repeat("v", 1<<20)
	for i := range 24 {
		_, ok := c.submit(lead, Request{Kind: KindWrite, Write: store.Request{Op: store.OpSet, Key: "/big/" + strconv.Itoa(i), Value: value}}, 50)
		require.True(t, ok)
	}
	n := c.nodes[lead]
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	data, err := n.encodeSnapshotData()
	runtime.ReadMemStats(&after)
	require.NoError(t, err)
	taken := after.TotalAlloc - before.TotalAlloc
	size := uint64(len(data))

	fresh := newTestCluster(t, 1, nil).nodes[1]
	runtime.GC()
	runtime.ReadMemStats(&before)
	require.NoError(t, fresh.restoreSnapshotData(data, 0))
	runtime.ReadMemStats(&after)
	restored := after.TotalAlloc - before.TotalAlloc
	t.Logf("snapshot of %d MiB: taking it allocated %.2f times its size, restoring it %.2f times", size>>20,
		float64(taken)/float64(size), float64(restored)/float64(size))
	assert.Less(t, taken, size*3/2)
	assert.Less(t, restored, size*5/2)
	got, err := fresh.Get("/big/23", false, false, 0)
	require.NoError(t, err)
	assert.Equal(t, value, *got.Node.Value)
}

// A snapshot taken before format 2 (one msgpack map holding the store) still restores: a member
// upgraded over a data dir from before restarts from it.
func TestFormatOneSnapshotStillRestores(t *testing.T) {
	src := store.New()
	_, err := src.Apply(store.Request{Op: store.OpSet, Key: "/old", Value: "format 1"})
	require.NoError(t, err)
	st, err := src.Save()
	require.NoError(t, err)
	v := "done"
	legacy, err := newCodecs().encode(&snapshotData{Store: st, Members: []Member{{ID: 1, Name: "n1"}},
		Dedup: []dedupRecord{{ID: 7, EtcdIndex: 1, Event: []byte(`{"action":"set","node":{"key":"/old","value":"` + v + `","modifiedIndex":1,"createdIndex":1}}`)}}})
	require.NoError(t, err)
	n := newTestCluster(t, 1, nil).nodes[1]
	require.NoError(t, n.restoreSnapshotData(legacy, 0))
	got, err := n.Get("/old", false, false, 0)
	require.NoError(t, err)
	assert.Equal(t, "format 1", *got.Node.Value)
	r, ok := n.dedup.lookup(7)
	require.True(t, ok)
	assert.Equal(t, v, *r.Event.Node.Value)

	data, err := n.encodeSnapshotData()
	require.NoError(t, err)
	assert.True(t, bytes.HasPrefix(data, []byte(snapshotDataMagic)), "snapshots are taken in format 2")
	again := newTestCluster(t, 1, nil).nodes[1]
	require.NoError(t, again.restoreSnapshotData(data, 0))
	got, err = again.Get("/old", false, false, 0)
	require.NoError(t, err)
	assert.Equal(t, "format 1", *got.Node.Value)
}

// Damaged format 2 data is refused with an error, whatever the damage: a length past the end, a
// cut, a flipped byte in either part.
func TestDamagedSnapshotDataIsRefused(t *testing.T) {
	n := newTestCluster(t, 1, nil).nodes[1]
	data, err := n.encodeSnapshotData()
	require.NoError(t, err)
	long := bytes.Clone(data)
	long[snapshotHeaderLen-1] = 0xff
	for name, bad := range map[string][]byte{
		"length past the end": long,
		"cut in the meta":     data[:snapshotHeaderLen+3],
		"cut in the store":    data[:len(data)-2],
		"store not JSON":      append(bytes.Clone(data[:len(data)-2]), '@', '}'),
		"header only":         data[:len(snapshotDataMagic)+2],
	} {
		fresh := newTestCluster(t, 1, nil).nodes[1]
		assert.Error(t, fresh.restoreSnapshotData(bad, 0), name)
	}
}
