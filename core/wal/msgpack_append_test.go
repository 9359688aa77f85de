package wal

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/hashicorp/go-msgpack/v2/codec"
	"github.com/raftlab/raftlab/core/raft"
	"github.com/stretchr/testify/require"
)

// codecEntriesPayload is what the codec writes for ents as []wireEntry: the reference format.
func codecEntriesPayload(t *testing.T, ents []raft.Entry) []byte {
	t.Helper()
	var ws []wireEntry
	if ents != nil {
		ws = make([]wireEntry, len(ents))
		for i, e := range ents {
			ws[i] = wireEntry{Term: e.Term, Index: e.Index, Type: uint8(e.Type), Data: e.Data}
		}
	}
	b, err := encodePayload(newHandle(), ws)
	require.NoError(t, err)
	return b
}

// boundaryUints are the values on both sides of every msgpack integer width.
var boundaryUints = []uint64{0, 1, 0x7f, 0x80, 0xff, 0x100, 0xffff, 0x10000, 0xffffffff, 0x100000000, math.MaxUint64}

func TestHandEncodingMatchesCodec(t *testing.T) {
	dataSizes := []int{-1, 0, 1, 0xff, 0x100, 0xffff, 0x10000}
	counts := []int{0, 1, 15, 16, 0xffff, 0x10000}
	cases := map[string][]raft.Entry{"nil": nil}
	for _, n := range counts {
		ents := make([]raft.Entry, n)
		for i := range ents {
			ents[i] = raft.Entry{Term: uint64(i), Index: uint64(i) + 1, Type: raft.EntryType(i % 3)}
		}
		cases[fmt.Sprintf("count=%d", n)] = ents
	}
	var widths []raft.Entry
	for i, v := range boundaryUints {
		for j, size := range dataSizes {
			var data []byte
			if size >= 0 {
				data = make([]byte, size)
				for k := range data {
					data[k] = byte(k * 7)
				}
			}
			widths = append(widths, raft.Entry{Term: v, Index: boundaryUints[(i+j)%len(boundaryUints)], Type: raft.EntryType(j), Data: data})
		}
	}
	cases["widths"] = widths
	rng := rand.New(rand.NewPCG(8, 8))
	random := make([]raft.Entry, 300)
	for i := range random {
		random[i] = raft.Entry{Term: rng.Uint64() >> rng.IntN(64), Index: rng.Uint64() >> rng.IntN(64), Type: raft.EntryType(rng.IntN(256)), Data: make([]byte, rng.IntN(600))}
	}
	cases["random"] = random

	for name, ents := range cases {
		t.Run(name, func(t *testing.T) {
			got := appendEntriesPayload([]byte("prefix"), ents)
			require.Equal(t, "prefix", string(got[:6]))
			require.Equal(t, codecEntriesPayload(t, ents), got[6:])
		})
	}
	for _, v := range boundaryUints {
		hs := wireHardState{Term: v, Vote: v / 3, Commit: v >> 7}
		want, err := encodePayload(newHandle(), hs)
		require.NoError(t, err)
		require.Equal(t, want, appendHardStatePayload(nil, hs))
	}
}

// The prologue and snapshot records are hand-encoded too: the same bytes as the codec's, for
// integers of every width and metadata of every length form (and nil).
func TestHandEncodedRecordsMatchCodec(t *testing.T) {
	codecBytes := func(v any) []byte {
		b, err := encodePayload(newHandle(), v)
		require.NoError(t, err)
		return b
	}
	for i, v := range boundaryUints {
		w := boundaryUints[(i+3)%len(boundaryUints)]
		for _, crc := range []uint32{0, 0x7f, 0x80, 0xffff, 0x10000, 0xffffffff, uint32(v)} {
			hdr := segmentHeader{Seq: v, FirstIndex: w, PrevCRC: crc}
			require.Equal(t, codecBytes(hdr), appendSegmentHeaderPayload(nil, hdr), "%+v", hdr)
		}
		m := snapshotMarker{Term: w, Index: v}
		require.Equal(t, codecBytes(m), appendSnapshotMarkerPayload(nil, m), "%+v", m)
	}
	for _, size := range []int{-1, 0, 1, 31, 32, 0xff, 0x100, 0xffff, 0x10000} {
		var md []byte
		if size >= 0 {
			md = make([]byte, size)
			for i := range md {
				md[i] = byte(i * 5)
			}
		}
		require.Equal(t, codecBytes(md), appendMetadataPayload(nil, md), "metadata of %d bytes", size)
	}
}

// A frame built in place (openFrame, payload appended, closeFrame) is the frame of that payload.
func TestFrameBuiltInPlaceMatchesAppendFrame(t *testing.T) {
	for _, size := range []int{0, 1, 100, 70000} {
		payload := make([]byte, size)
		for i := range payload {
			payload[i] = byte(i * 13)
		}
		want, wantCRC := appendFrame([]byte("prefix"), recordEntries, payload)
		got := append(openFrame([]byte("prefix"), recordEntries), payload...)
		crc := closeFrame(got[len("prefix"):])
		require.Equal(t, want, got)
		require.Equal(t, wantCRC, crc)
		rec, n, err := decodeFrame(got[len("prefix"):])
		require.NoError(t, err)
		require.Equal(t, len(got)-len("prefix"), n)
		require.Equal(t, payload, rec.payload)
	}
}

func TestHandEncodedEntriesDecode(t *testing.T) {
	ents := []raft.Entry{{Term: 1, Index: 1}, {Term: 2, Index: 2, Type: raft.EntryType(1), Data: []byte("wow")}}
	var ws []wireEntry
	require.NoError(t, decodePayload(newHandle(), appendEntriesPayload(nil, ents), &ws))
	require.Equal(t, ents, fromWireEntries(ws))
}

// BenchmarkEntriesPayload encodes a Save's typical entries record (8 entries of 100 bytes) with
// the codec (the format's reference) and with the hand-written encoder the WAL uses.
func BenchmarkEntriesPayload(b *testing.B) {
	ents := make([]raft.Entry, 8)
	for i := range ents {
		ents[i] = raft.Entry{Term: 3, Index: uint64(1000 + i), Data: make([]byte, 100)}
	}
	b.Run("codec", func(b *testing.B) {
		h := newHandle()
		var out []byte
		enc := codec.NewEncoderBytes(&out, h)
		b.ReportAllocs()
		for b.Loop() {
			ws := make([]wireEntry, len(ents))
			for i, e := range ents {
				ws[i] = wireEntry{Term: e.Term, Index: e.Index, Type: uint8(e.Type), Data: e.Data}
			}
			out = out[:0]
			enc.ResetBytes(&out)
			if err := enc.Encode(ws); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("hand", func(b *testing.B) {
		var out []byte
		b.ReportAllocs()
		for b.Loop() {
			out = appendEntriesPayload(out[:0], ents)
		}
	})
}
