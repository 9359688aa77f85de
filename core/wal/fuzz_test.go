package wal

import (
	"bytes"
	"testing"

	"github.com/hashicorp/go-msgpack/v2/codec"

	"github.com/stretchr/testify/require"
)

// FuzzDecodeRecord feeds arbitrary bytes to the record decoder: it must never panic, never claim
// more bytes than it was given, and whatever it accepts must re-encode to the same frame. The
// input is also framed with a correct CRC (first byte as the type) so the payload decoders are
// fuzzed too, not only the CRC check.
func FuzzDecodeRecord(f *testing.F) {
	h := newHandle()
	for _, seed := range seedFrames(f) {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 0 && len(data) < maxRecordLen {
			framed, _ := appendFrame(nil, recordType(data[0]), data[1:])
			_, size, _ := parseRecord(h, framed)
			require.Equal(t, len(framed), size)
		}
		rec, size, err := parseRecord(h, data)
		require.LessOrEqual(t, size, len(data))
		if err != nil {
			return
		}
		raw, rawSize, rawErr := decodeFrame(data)
		require.NoError(t, rawErr)
		require.Equal(t, size, rawSize)
		frame, crc := appendFrame(nil, raw.typ, raw.payload)
		require.True(t, bytes.Equal(frame, data[:size]))
		require.Equal(t, rec.crc, crc)
	})
}

// seedFrames returns one valid frame of every record type plus damaged variants.
func seedFrames(tb testing.TB) [][]byte {
	h := newHandle()
	var seeds [][]byte
	add := func(typ recordType, v any) {
		payload, err := encodePayload(h, v)
		require.NoError(tb, err)
		frame, _ := appendFrame(nil, typ, payload)
		seeds = append(seeds, frame)
	}
	add(recordSegmentHeader, segmentHeader{Seq: 3, FirstIndex: 77, PrevCRC: 0xdeadbeef})
	add(recordMetadata, []byte("cluster=1"))
	add(recordEntries, []wireEntry{{Term: 1, Index: 1, Data: []byte("much")}, {Term: 1, Index: 2, Type: 2}})
	add(recordHardState, wireHardState{Term: 2, Vote: 1, Commit: 2})
	add(recordSnapshot, snapshotMarker{Term: 2, Index: 40})
	valid := seeds[2]
	flipped := bytes.Clone(valid)
	flipped[len(flipped)-1] ^= 0x40
	badLen := bytes.Clone(valid)
	badLen[0] ^= 0x01
	return append(seeds, valid[:len(valid)-3], flipped, badLen, []byte{}, make([]byte, 20))
}

func TestSeedFramesDecode(t *testing.T) {
	h := newHandle()
	seeds := seedFrames(t)
	for i, frame := range seeds[:5] {
		rec, size, err := parseRecord(h, frame)
		require.NoError(t, err, "seed %d", i)
		require.Equal(t, len(frame), size)
		require.Equal(t, recordType(i+1), rec.typ)
	}
	for i, frame := range seeds[5:] {
		_, _, err := parseRecord(h, frame)
		require.Error(t, err, "damaged seed %d", i)
	}
}

// parseRecord decodes one record with a parser of its own.
func parseRecord(h *codec.MsgpackHandle, buf []byte) (record, int, error) {
	p := recordParser{h: h}
	return p.parse(buf)
}
