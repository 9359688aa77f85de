package node

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/go-msgpack/v2/codec"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/raftlab/raftlab/core/store"
)

// codecDedupRecord is a remembered result in snapshot form as the encoder built it before it wrote
// the records by hand: the oracle the hand encoder is held to.
func codecDedupRecord(t *testing.T, id uint64, r appliedResult) dedupRecord {
	t.Helper()
	rec := dedupRecord{ID: id, EtcdIndex: r.EtcdIndex, Past: r.past, EventDropped: r.eventDropped}
	var err error
	if r.Event != nil {
		rec.Event, err = json.Marshal(r.Event)
		require.NoError(t, err)
	}
	if se, ok := r.Err.(*store.Error); ok {
		rec.ErrJSON, err = json.Marshal(se)
		require.NoError(t, err)
	} else if r.Err != nil {
		rec.ErrText = r.Err.Error()
	}
	return rec
}

func codecBytes(t *testing.T, v any) []byte {
	t.Helper()
	var out []byte
	require.NoError(t, codec.NewEncoderBytes(&out, &codec.MsgpackHandle{WriteExt: true}).Encode(v))
	return out
}

func eventWithValue(key, value string, prev *string, expires bool) *store.Event {
	e := &store.Event{Action: "set", Node: &store.NodeExtern{Key: key, Value: &value, ModifiedIndex: 9, CreatedIndex: 3}}
	if prev != nil {
		e.PrevNode = &store.NodeExtern{Key: key, Value: prev, ModifiedIndex: 3, CreatedIndex: 3}
	}
	if expires {
		at := time.Unix(1700000000, 123456789).UTC()
		e.Node.Expiration, e.Node.TTL = &at, 30
	}
	return e
}

// TestDedupRecordsAreWrittenAsTheCodecWritesThem: the hand-written records are the codec's bytes
// for every shape a result takes (no event, events whose JSON needs a bin8, bin16 and bin32 header,
// escaped and invalid UTF-8 values, TTLs, store errors and other errors, results past the byte
// window), for IDs and indexes of every integer width, and for an empty table.
func TestDedupRecordsAreWrittenAsTheCodecWritesThem(t *testing.T) {
	old := "old"
	results := []appliedResult{
		{},
		{Event: eventWithValue("/k", "v", nil, false), EtcdIndex: 9},
		{Event: eventWithValue("/k", strings.Repeat("x", 300), &old, false), EtcdIndex: 200},
		{Event: eventWithValue("/big", strings.Repeat("y", 70000), &old, true), EtcdIndex: 70000},
		{Event: eventWithValue("/esc", "quote\" back\\ nl\n tab\t <html> \u2028 é", nil, false), EtcdIndex: 1 << 33},
		{Event: eventWithValue("/bad", "\xff\xfe not utf-8", &old, false), EtcdIndex: 5},
		{Event: &store.Event{Action: "delete", PrevNode: &store.NodeExtern{Key: "/d", Dir: true, ModifiedIndex: 4, CreatedIndex: 4}}, EtcdIndex: 10},
		{Err: store.NewError(store.EcodeKeyNotFound, "/missing", 12), EtcdIndex: 12},
		{Err: store.NewError(store.EcodeTestFailed, "[a != b]", 1<<20), EtcdIndex: 1 << 20},
		{Err: ErrTimeout, EtcdIndex: 3},
		{Err: errors.New("some other failure"), EtcdIndex: 4},
		{past: true, eventDropped: true, EtcdIndex: 6},
		{past: true, Err: ErrTimeout},
	}
	ids := []uint64{1, 127, 128, 255, 256, 65535, 65536, 1 << 32, 1<<63 - 1, 42, 7, 8, 9}
	var entries []dedupEntry
	var records []dedupRecord
	for i, r := range results {
		entries = append(entries, dedupEntry{id: ids[i%len(ids)], r: r})
		records = append(records, codecDedupRecord(t, ids[i%len(ids)], r))
	}
	for _, n := range []int{0, 1, len(entries)} {
		got, err := appendDedupRecords([]byte("prefix"), entries[:n], &store.Yielder{})
		require.NoError(t, err)
		want := append([]byte("prefix"), codecBytes(t, append([]dedupRecord{}, records[:n]...))...)
		requireSameBytes(t, want, got)
	}
	// A table of more than 15 and of more than 65535 records has a longer array header.
	for _, n := range []int{16, 70000} {
		many := make([]dedupEntry, n)
		manyRecords := make([]dedupRecord, n)
		for i := range many {
			k := i % 3 // no event, a small event, a store error: the table stays small
			many[i] = dedupEntry{id: uint64(i + 1), r: results[[3]int{0, 1, 7}[k]]}
			manyRecords[i] = codecDedupRecord(t, uint64(i+1), many[i].r)
		}
		got, err := appendDedupRecords(nil, many, &store.Yielder{})
		require.NoError(t, err)
		requireSameBytes(t, codecBytes(t, manyRecords), got)
	}
}

// TestSnapshotMetaIsTheCodecsEncodingOfTheJob: the meta part of an encoded job is the codec's
// encoding of its members and dedup records built the old way, and decodes back to them.
func TestSnapshotMetaIsTheCodecsEncodingOfTheJob(t *testing.T) {
	_, _, job := leaderWithJobOut(t, 15)
	require.NotEmpty(t, job.dedup)
	data, err := job.Encode()
	require.NoError(t, err)

	want := job.meta
	for _, e := range job.dedup {
		want.Dedup = append(want.Dedup, codecDedupRecord(t, e.id, e.r))
	}
	meta, storeData, err := decodeSnapshotData(data)
	require.NoError(t, err)
	requireSameBytes(t, codecBytes(t, &want), data[snapshotHeaderLen:len(data)-len(storeData)])
	assert.Equal(t, want.Dedup, meta.Dedup)
	assert.Equal(t, want.Members, meta.Members)
}

// requireSameBytes fails at the first byte where got differs from want, showing the bytes around it
// (a diff of megabytes would take minutes).
func requireSameBytes(t *testing.T, want, got []byte) {
	t.Helper()
	for i := range min(len(want), len(got)) {
		if want[i] != got[i] {
			lo, hi := max(i-16, 0), i+16
			require.Failf(t, "bytes differ", "at offset %d of %d: want %q, got %q", i, len(want),
				want[lo:min(hi, len(want))], got[lo:min(hi, len(got))])
		}
	}
	require.Equal(t, len(want), len(got), "lengths")
}
