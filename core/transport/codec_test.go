package transport

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"runtime"
	"testing"

	"github.com/hashicorp/go-msgpack/v2/codec"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/raftlab/raftlab/core/internal/msgp"
	"github.com/raftlab/raftlab/core/raft"
)

func encodeFrame(t testing.TB, msgs []raft.Message) []byte {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, EncodeFrame(&buf, msgs))
	return buf.Bytes()
}

// frameOf wraps a raw payload in a frame header.
func frameOf(payload []byte) []byte {
	return append(binary.BigEndian.AppendUint32(nil, uint32(len(payload))), payload...)
}

func TestFrameRoundTrip(t *testing.T) {
	full := fullMessages(1, 2)
	tests := []struct {
		name string
		msgs []raft.Message
	}{
		{"empty batch", []raft.Message{}},
		{"one heartbeat", []raft.Message{heartbeat(1, 2, 3)}},
		{"zero message", []raft.Message{{}}},
		{"every field", full},
	}
	for i := range full {
		tests = append(tests, struct {
			name string
			msgs []raft.Message
		}{full[i].Type.String() + " alone", full[i : i+1]})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			frame := encodeFrame(t, tt.msgs)
			assert.Equal(t, uint32(len(frame)-frameHeaderLen), binary.BigEndian.Uint32(frame), "length prefix")
			got, err := DecodeFrame(bytes.NewReader(frame), 0)
			require.NoError(t, err)
			require.Equal(t, tt.msgs, got)
		})
	}
}

func TestDecodeFrameReadsConsecutiveFrames(t *testing.T) {
	first, second := fullMessages(1, 2), []raft.Message{heartbeat(1, 2, 9)}
	r := bytes.NewReader(append(encodeFrame(t, first), encodeFrame(t, second)...))
	for _, want := range [][]raft.Message{first, second} {
		got, err := DecodeFrame(r, 0)
		require.NoError(t, err)
		require.Equal(t, want, got)
	}
	_, err := DecodeFrame(r, 0)
	require.ErrorIs(t, err, io.EOF)
}

func TestDecodedBytesDoNotOverwriteTheFrame(t *testing.T) {
	msgs := []raft.Message{{Type: raft.MsgApp, From: 1, To: 2, Context: []byte("ab"),
		Entries: []raft.Entry{{Term: 1, Index: 1, Data: []byte("xy")}}}}
	got, err := DecodeFrame(bytes.NewReader(encodeFrame(t, msgs)), 0)
	require.NoError(t, err)
	_ = append(got[0].Entries[0].Data, "ZZZZZZZZ"...)
	assert.Equal(t, []byte("ab"), got[0].Context, "appending to one field must not clobber the next")
}

// The payload is genuine msgpack: an independent decoder reads the positional layout documented
// in doc.go.
func TestFramePayloadIsMsgpack(t *testing.T) {
	m := fullMessages(5, 6)[0]
	frame := encodeFrame(t, []raft.Message{m})
	var decoded []any
	dec := codec.NewDecoderBytes(frame[frameHeaderLen:], &codec.MsgpackHandle{})
	require.NoError(t, dec.Decode(&decoded))
	require.Len(t, decoded, 1)
	fields, ok := decoded[0].([]any)
	require.True(t, ok, "a message is an array")
	require.Len(t, fields, messageFields)
	asUint := func(v any) uint64 {
		switch x := v.(type) {
		case uint64:
			return x
		case int64:
			return uint64(x)
		}
		t.Fatalf("not an integer: %T", v)
		return 0
	}
	assert.Equal(t, []uint64{uint64(m.Type), m.From, m.To, m.Term, m.LogTerm, m.Index, m.Commit},
		[]uint64{asUint(fields[0]), asUint(fields[1]), asUint(fields[2]), asUint(fields[3]),
			asUint(fields[4]), asUint(fields[5]), asUint(fields[6])})
	entries, ok := fields[7].([]any)
	require.True(t, ok)
	require.Len(t, entries, len(m.Entries))
	first, ok := entries[0].([]any)
	require.True(t, ok)
	assert.Equal(t, m.Entries[0].Data, first[3])
	assert.Nil(t, fields[8], "no snapshot")
	assert.Equal(t, m.Reject, fields[9])
}

// Frames written by another msgpack encoder decode too, including signed integers.
func TestDecodeFrameAcceptsOtherEncoders(t *testing.T) {
	entry := []any{int64(3), uint64(4), 0, []byte("much")}
	message := []any{int8(raft.MsgApp), 1, 2, int64(3), 2, 3, int64(300000), []any{entry}, nil, false, 0, nil}
	var payload []byte
	require.NoError(t, codec.NewEncoderBytes(&payload, &codec.MsgpackHandle{WriteExt: true}).Encode([]any{message}))
	got, err := DecodeFrame(bytes.NewReader(frameOf(payload)), 0)
	require.NoError(t, err)
	require.Equal(t, []raft.Message{{Type: raft.MsgApp, From: 1, To: 2, Term: 3, LogTerm: 2, Index: 3, Commit: 300000,
		Entries: []raft.Entry{{Term: 3, Index: 4, Data: []byte("much")}}}}, got)
}

func TestDecodeFrameRejectsBadInput(t *testing.T) {
	valid := encodeFrame(t, []raft.Message{heartbeat(1, 2, 3)})
	// payloadWith replaces the message in a one-message batch by raw bytes.
	payloadWith := func(message ...byte) []byte { return frameOf(append([]byte{0x91}, message...)) }
	heartbeatFields := valid[frameHeaderLen+batchHeaderLen+1:] // the 12 fields after the message header
	tests := []struct {
		name    string
		input   []byte
		max     int
		wantErr error
		wantMsg string
	}{
		{"clean end of stream", nil, 0, io.EOF, ""},
		{"truncated header", []byte{0, 0}, 0, io.ErrUnexpectedEOF, ""},
		{"truncated payload", valid[:len(valid)-1], 0, io.ErrUnexpectedEOF, ""},
		{"length over the limit", binary.BigEndian.AppendUint32(nil, 1<<20+1), 1 << 20, ErrFrameTooLarge, "exceeds the limit of 1048576 bytes"},
		{"length over the default limit", binary.BigEndian.AppendUint32(nil, DefaultMaxFrameBytes+1), 0, ErrFrameTooLarge, "exceeds the limit"},
		{"empty payload", frameOf(nil), 0, ErrMalformedFrame, "empty payload"},
		{"batch is not an array", frameOf([]byte{0x05}), 0, ErrMalformedFrame, "not an array"},
		{"nil batch", frameOf([]byte{msgp.Nil}), 0, ErrMalformedFrame, "batch is nil"},
		{"batch count beyond the data", frameOf([]byte{msgp.Array32, 0xff, 0xff, 0xff, 0xff, 0x90}), 0, ErrMalformedFrame, "declares 4294967295 elements"},
		{"trailing bytes", frameOf(append(append([]byte{}, valid[frameHeaderLen:]...), 0x00)), 0, ErrMalformedFrame, "1 trailing bytes"},
		{"message with too few fields", payloadWith(append([]byte{0x93}, heartbeatFields...)...), 0, ErrMalformedFrame, "message has 3 fields, want 12"},
		{"message type over 8 bits", payloadWith(append([]byte{0x9c, msgp.Uint16, 1, 0}, heartbeatFields[1:]...)...), 0, ErrMalformedFrame, "does not fit in 8 bits"},
		{"negative integer", payloadWith(append([]byte{0x9c, msgp.Int8, 0xff}, heartbeatFields[1:]...)...), 0, ErrMalformedFrame, "negative"},
		{"string where an integer belongs", payloadWith(append([]byte{0x9c, 0xa1, 'x'}, heartbeatFields[1:]...)...), 0, ErrMalformedFrame, "not an unsigned integer"},
		{"bin length beyond the data", payloadWith(append(append([]byte{0x9c}, heartbeatFields[:11]...), msgp.Bin32, 0, 0, 1, 0)...), 0, ErrMalformedFrame, "declares 256 bytes"},
		{"reject is not a bool", payloadWith(append(append(append([]byte{0x9c}, heartbeatFields[:9]...), 0x01), heartbeatFields[10:]...)...), 0, ErrMalformedFrame, "not a bool"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msgs, err := DecodeFrame(bytes.NewReader(tt.input), tt.max)
			require.ErrorIs(t, err, tt.wantErr)
			assert.Nil(t, msgs)
			if tt.wantMsg != "" {
				assert.Contains(t, err.Error(), tt.wantMsg)
			}
		})
	}
}

// A length prefix alone must not make the decoder allocate the whole limit.
func TestDecodeFrameAllocatesWhatArrives(t *testing.T) {
	input := append(binary.BigEndian.AppendUint32(nil, DefaultMaxFrameBytes), make([]byte, 100)...)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := DecodeFrame(bytes.NewReader(input), 0)
	runtime.ReadMemStats(&after)
	require.ErrorIs(t, err, io.ErrUnexpectedEOF)
	assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(1<<20), "bytes allocated for a 100-byte truncated frame")
}

type failingWriter struct{}

var errWriteFailed = errors.New("disk on fire")

func (failingWriter) Write([]byte) (int, error) { return 0, errWriteFailed }

func TestEncodeFrameReportsWriteErrors(t *testing.T) {
	err := EncodeFrame(failingWriter{}, []raft.Message{heartbeat(1, 2, 3)})
	require.ErrorIs(t, err, errWriteFailed)
}

func FuzzDecodeFrame(f *testing.F) {
	f.Add(encodeFrame(f, []raft.Message{heartbeat(1, 2, 3)}))
	f.Add(encodeFrame(f, fullMessages(1, 2)[:3]))
	f.Add([]byte{0, 0, 0, 1, 0x90})
	f.Fuzz(func(t *testing.T, data []byte) {
		msgs, err := DecodeFrame(bytes.NewReader(data), 1<<20)
		if err != nil {
			require.Nil(t, msgs)
			return
		}
		// Whatever decodes must survive a second trip unchanged.
		again, err := DecodeFrame(bytes.NewReader(encodeFrame(t, msgs)), 1<<20)
		require.NoError(t, err)
		require.Equal(t, msgs, again)
	})
}

func TestFrameSizeHintCoversTheEncoding(t *testing.T) {
	for _, msgs := range [][]raft.Message{nil, {heartbeat(1, 2, 3)}, fullMessages(1, 2), benchBatch()} {
		assert.GreaterOrEqual(t, frameSizeHint(msgs), len(encodeFrame(t, msgs)))
	}
}

// Entry lists of consecutive messages share allocations, yet each is clipped to its own length.
func TestDecodedEntryListsDoNotShareCapacity(t *testing.T) {
	msgs := benchBatch()[:3]
	got, err := DecodeFrame(bytes.NewReader(encodeFrame(t, msgs)), 0)
	require.NoError(t, err)
	_ = append(got[0].Entries, raft.Entry{Term: 99})
	assert.Equal(t, msgs, got)
	frame := encodeFrame(t, benchBatch())
	allocs := testing.AllocsPerRun(10, func() {
		_, err := DecodeFrame(bytes.NewReader(frame), 0)
		require.NoError(t, err)
	})
	assert.Less(t, allocs, float64(len(benchBatch())), "fewer allocations than messages")
}
