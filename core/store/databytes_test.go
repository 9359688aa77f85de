package store

import (
	"encoding/json"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// recountBytes is DataBytes computed from scratch.
func recountBytes(s *Store) int64 {
	total := int64(s.history.bytes)
	for _, root := range []*node{s.user.root, s.system.root} {
		total += subtreeBytes(root) - nodeBytes(root)
	}
	return total
}

// DataBytes, kept up to date change by change, always equals a recount of the trees and the
// history: through random sets, creates, in-order creates, updates, swaps, deletes of files and
// directory trees, TTL expiry, internal writes and a snapshot round trip.
func TestDataBytesTracksEveryChange(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	s := New()
	key := func() string {
		parts := make([]string, 1+rng.IntN(3))
		for i := range parts {
			parts[i] = string(rune('a' + rng.IntN(3)))
		}
		return "/" + strings.Join(parts, "/")
	}
	value := func() string { return strings.Repeat("v", rng.IntN(300)) }
	applied := map[Op]int{}
	for step := range 3000 {
		now := int64(step) * 1e9
		var r Request
		switch rng.IntN(9) {
		case 0, 1:
			r = Request{Op: OpSet, Key: key(), Value: value(), Time: now}
		case 2:
			r = Request{Op: OpSet, Key: key(), Dir: true, Time: now}
		case 3:
			r = Request{Op: []Op{OpCreate, OpCreateInOrder}[rng.IntN(2)], Key: key(), Value: value(), Time: now}
		case 4:
			r = Request{Op: OpUpdate, Key: key(), Value: value(), Time: now}
		case 5:
			k := key()
			r = Request{Op: OpCompareAndSwap, Key: k, PrevValue: "x", Value: value(), Time: now}
			if ev, err := s.Get(k, false, false, now); err == nil && ev.Node.Value != nil {
				r.PrevValue = *ev.Node.Value
			}
		case 6:
			r = Request{Op: OpDelete, Key: key(), Dir: true, Recursive: rng.IntN(2) == 0, Time: now}
		case 7:
			r = Request{Op: OpSet, Key: key(), Value: value(), Time: now, Expiration: now + int64(rng.IntN(5))*1e9}
		case 8:
			r = Request{Op: OpSync, Time: now}
		}
		if _, err := s.Apply(r); err == nil {
			applied[r.Op]++
		}
		if step%100 == 0 {
			_, err := s.SetInternal("/members/"+strconv.Itoa(step%7), value())
			require.NoError(t, err)
		}
		require.Equal(t, recountBytes(s), s.DataBytes(), "step %d: %+v", step, r)
	}
	for _, op := range []Op{OpSet, OpCreate, OpCreateInOrder, OpUpdate, OpCompareAndSwap, OpDelete, OpSync} {
		require.Positive(t, applied[op], "op %v never applied", op)
	}
	data, err := s.Save()
	require.NoError(t, err)
	r := New()
	require.NoError(t, r.Recovery(data))
	require.Equal(t, s.DataBytes(), r.DataBytes(), "a restored store counts what the original did")
}

// AppendSnapshot writes by hand exactly what encoding/json writes for the snapshot it decodes to:
// through the random workload above (files, directories, TTLs, escapes in keys and values, a
// history of every kind of event), re-encoding the decoded snapshot gives the same bytes.
func TestAppendSnapshotWritesWhatEncodingJSONWrites(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	s := New()
	odd := []string{"plain", `quote " and \ backslash`, "<html> & ", "tab\tnew\nline\x01", "é ü 日本 \u2028", ""}
	for step := range 1500 {
		now := int64(step) * 1e9
		key := "/" + odd[rng.IntN(len(odd)-1)] + "/" + strconv.Itoa(rng.IntN(20))
		r := Request{Op: OpSet, Key: key, Value: odd[rng.IntN(len(odd))], Time: now}
		switch rng.IntN(5) {
		case 0:
			r.Expiration = now + int64(1+rng.IntN(3))*1e9
		case 1:
			r = Request{Op: OpDelete, Key: key, Time: now}
		case 2:
			r = Request{Op: OpSync, Time: now}
		}
		_, _ = s.Apply(r)
	}
	data, err := s.Save()
	require.NoError(t, err)
	snap, err := decodeSnapshot(data)
	require.NoError(t, err)
	want, err := json.Marshal(&snap)
	require.NoError(t, err)
	for i := range min(len(want), len(data)) {
		if want[i] != data[i] {
			require.Failf(t, "the bytes differ", "at %d: %q, encoding/json: %q", i, data[max(i-80, 0):min(i+80, len(data))], want[max(i-80, 0):min(i+80, len(want))])
		}
	}
	require.Equal(t, len(want), len(data))
}
