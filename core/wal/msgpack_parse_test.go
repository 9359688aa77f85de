package wal

import (
	"math/rand/v2"
	"testing"

	"github.com/raftlab/raftlab/core/raft"
	"github.com/stretchr/testify/require"
)

// requireFastDecodeAgrees checks the fast decoders against the codec on one payload: whatever the
// fast path accepts, the codec decodes to the same value.
func requireFastDecodeAgrees(t *testing.T, payload []byte) (entriesOK, hardStateOK bool) {
	t.Helper()
	h := newHandle()
	prefix := []raft.Entry{{Term: 9, Index: 9, Data: []byte("kept")}}
	ents, ok := parseEntriesPayload(prefix, payload)
	require.Equal(t, prefix, ents[:1:1], "entries are appended after dst's own")
	if ok {
		ents = ents[1:]
		var ws []wireEntry
		require.NoError(t, decodePayload(h, payload, &ws), "payload %x", payload)
		require.Equal(t, fromWireEntries(ws), ents, "payload %x", payload)
		for i := range ents {
			require.Equal(t, len(ents[i].Data), cap(ents[i].Data), "entry %d's data is capped", i)
		}
		entriesOK = true
	} else {
		require.Len(t, ents, 1, "a declined payload leaves dst as it was")
	}
	if hs, ok := parseHardStatePayload(payload); ok {
		var w wireHardState
		require.NoError(t, decodePayload(h, payload, &w), "payload %x", payload)
		require.Equal(t, raft.HardState{Term: w.Term, Vote: w.Vote, Commit: w.Commit}, hs)
		hardStateOK = true
	}
	if hdr, ok := parseSegmentHeaderPayload(payload); ok {
		var w segmentHeader
		require.NoError(t, decodePayload(h, payload, &w), "payload %x", payload)
		require.Equal(t, w, hdr)
		hardStateOK = true
	}
	if m, ok := parseSnapshotMarkerPayload(payload); ok {
		var w snapshotMarker
		require.NoError(t, decodePayload(h, payload, &w), "payload %x", payload)
		require.Equal(t, w, m)
		hardStateOK = true
	}
	if md, ok := parseMetadataPayload(payload); ok {
		var w []byte
		require.NoError(t, decodePayload(h, payload, &w), "payload %x", payload)
		require.Equal(t, w, md)
		require.NotEmpty(t, md)
		require.Equal(t, len(md), cap(md), "metadata is capped")
		hardStateOK = true
	}
	return entriesOK, hardStateOK
}

func TestFastDecodeAgreesWithCodec(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 9))
	var widths []raft.Entry
	for i, v := range boundaryUints {
		for j, size := range []int{-1, 0, 1, 0xff, 0x100, 0x10000} {
			var data []byte
			if size >= 0 {
				data = make([]byte, size)
				for k := range data {
					data[k] = byte(i + k)
				}
			}
			widths = append(widths, raft.Entry{Term: v, Index: boundaryUints[(i+j)%len(boundaryUints)], Type: raft.EntryType(j), Data: data})
		}
	}
	canonical := [][]byte{appendEntriesPayload(nil, widths), appendEntriesPayload(nil, make([]raft.Entry, 20))}
	for _, v := range boundaryUints {
		canonical = append(canonical, appendHardStatePayload(nil, wireHardState{Term: v, Vote: v >> 1, Commit: v >> 9}))
		for _, w := range []any{segmentHeader{Seq: v, FirstIndex: v >> 3, PrevCRC: uint32(v >> 5)}, snapshotMarker{Term: v >> 2, Index: v}} {
			b, err := encodePayload(newHandle(), w)
			require.NoError(t, err)
			canonical = append(canonical, b)
		}
	}
	for _, size := range []int{1, 31, 32, 0xff, 0x100, 0x10000} {
		b, err := encodePayload(newHandle(), make([]byte, size))
		require.NoError(t, err)
		canonical = append(canonical, b)
	}
	for i, p := range canonical {
		ents, hs := requireFastDecodeAgrees(t, p)
		require.True(t, ents || hs, "canonical payload %d (%x) takes the fast path", i, p[:min(len(p), 8)])
	}
	// Non-canonical and damaged payloads: the fast path either agrees with the codec or declines.
	for range 20000 {
		p := append([]byte(nil), canonical[rng.IntN(len(canonical))]...)
		for range 1 + rng.IntN(3) {
			switch rng.IntN(3) {
			case 0:
				p[rng.IntN(len(p))] = byte(rng.Uint32())
			case 1:
				p = p[:rng.IntN(len(p))]
			default:
				p = append(p, byte(rng.Uint32()))
			}
			if len(p) == 0 {
				p = []byte{0x90}
			}
		}
		if len(p) > 4096 {
			p = p[:4096]
		}
		requireFastDecodeAgrees(t, p)
	}
	// Forms the codec accepts but the WAL never writes go to the codec.
	for _, p := range [][]byte{{0xc0}, {0x91, 0x93, 1, 2, 3}, {0x91, 0x94, 1, 2, 0xcd, 1, 0, 0xc0}, {0x93, 1, 2}, {0x92, 1}, {0xa2, 'h', 'i'}, {0xc4, 0}} {
		ents, hs := requireFastDecodeAgrees(t, p)
		require.False(t, ents || hs, "payload %x", p)
	}
	// A CRC wider than 32 bits is no segment header: the fast path leaves it to the codec.
	_, ok := parseSegmentHeaderPayload([]byte{0x93, 1, 2, 0xcf, 1, 0, 0, 0, 0, 0, 0, 0})
	require.False(t, ok)
}

// FuzzFastDecode checks the fast decoders against the codec on arbitrary payloads.
func FuzzFastDecode(f *testing.F) {
	f.Add(appendEntriesPayload(nil, []raft.Entry{{Term: 1, Index: 2, Data: []byte("wow")}, {Term: 1, Index: 3}}))
	f.Add(appendHardStatePayload(nil, wireHardState{Term: 300, Vote: 2, Commit: 70000}))
	f.Fuzz(func(t *testing.T, payload []byte) {
		requireFastDecodeAgrees(t, payload)
	})
}

// BenchmarkParseEntries decodes a typical entries record (8 entries of 100 bytes) with the codec
// and with the fast path the WAL's replay uses.
func BenchmarkParseEntries(b *testing.B) {
	ents := make([]raft.Entry, 8)
	for i := range ents {
		ents[i] = raft.Entry{Term: 3, Index: uint64(1000 + i), Data: make([]byte, 100)}
	}
	payload := appendEntriesPayload(nil, ents)
	h := newHandle()
	b.Run("codec", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var ws []wireEntry
			if err := decodePayload(h, payload, &ws); err != nil {
				b.Fatal(err)
			}
			_ = fromWireEntries(ws)
		}
	})
	b.Run("fast", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, ok := parseEntriesPayload(nil, payload); !ok {
				b.Fatal("declined")
			}
		}
	})
}
