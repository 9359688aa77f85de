package transport

import (
	"encoding/binary"
	"fmt"
	"io"
	"math"

	"github.com/raftlab/raftlab/core/raft"
)

// frameHeaderLen is the size of the big-endian payload length that starts every frame.
const frameHeaderLen = 4

// batchHeaderLen is the size of the array32 header the encoder always writes for the message array,
// so that the count can be patched in after the messages were appended.
const batchHeaderLen = 5

// Field counts of the positional msgpack arrays; see the package documentation.
const (
	messageFields   = 12
	entryFields     = 4
	snapshotFields  = 2
	metadataFields  = 3
	confStateFields = 2
)

// msgpack format bytes used by the codec.
const (
	mpNil     = 0xc0
	mpFalse   = 0xc2
	mpTrue    = 0xc3
	mpBin8    = 0xc4
	mpBin16   = 0xc5
	mpBin32   = 0xc6
	mpUint8   = 0xcc
	mpUint16  = 0xcd
	mpUint32  = 0xce
	mpUint64  = 0xcf
	mpInt8    = 0xd0
	mpInt16   = 0xd1
	mpInt32   = 0xd2
	mpInt64   = 0xd3
	mpArray16 = 0xdc
	mpArray32 = 0xdd
)

// EncodeFrame writes msgs to w as one frame: a 4-byte big-endian payload length followed by the
// msgpack batch. It makes a single Write call. It fails with ErrFrameTooLarge if the payload does
// not fit in 32 bits.
func EncodeFrame(w io.Writer, msgs []raft.Message) error {
	frame, err := appendFrame(make([]byte, 0, frameSizeHint(msgs)), msgs)
	if err != nil {
		return err
	}
	if _, err := w.Write(frame); err != nil {
		return fmt.Errorf("transport: write frame: %w", err)
	}
	return nil
}

// appendFrame appends one complete frame holding msgs to dst.
func appendFrame(dst []byte, msgs []raft.Message) ([]byte, error) {
	start := len(dst)
	dst = beginFrame(dst)
	for i := range msgs {
		dst = appendMessage(dst, &msgs[i])
	}
	return finishFrame(dst, start, len(msgs))
}

// frameSizeHint returns an upper estimate of the encoded size of a frame holding msgs, so that
// EncodeFrame allocates once.
func frameSizeHint(msgs []raft.Message) int {
	const maxUint, maxHeader = 9, 5
	n := frameHeaderLen + batchHeaderLen
	for i := range msgs {
		m := &msgs[i]
		n += maxHeader + 8*maxUint + 3*maxHeader + len(m.Context)
		for j := range m.Entries {
			n += maxHeader + 3*maxUint + maxHeader + len(m.Entries[j].Data)
		}
		if s := m.Snapshot; s != nil {
			cs := s.Metadata.ConfState
			n += 4*maxHeader + 2*maxUint + maxUint*(len(cs.Voters)+len(cs.Learners)) + maxHeader + len(s.Data)
		}
	}
	return n
}

// beginFrame reserves room for the frame length and the batch array header.
func beginFrame(dst []byte) []byte {
	return append(dst, 0, 0, 0, 0, mpArray32, 0, 0, 0, 0)
}

// finishFrame patches the payload length and the message count of the frame that starts at
// dst[start] and holds count messages.
func finishFrame(dst []byte, start, count int) ([]byte, error) {
	payload := len(dst) - start - frameHeaderLen
	if uint64(payload) > math.MaxUint32 || uint64(count) > math.MaxUint32 {
		return dst[:start], fmt.Errorf("%w: payload of %d bytes does not fit a 32-bit length", ErrFrameTooLarge, payload)
	}
	binary.BigEndian.PutUint32(dst[start:], uint32(payload))
	binary.BigEndian.PutUint32(dst[start+frameHeaderLen+1:], uint32(count))
	return dst, nil
}

// framePayloadLen returns the payload length of the unfinished frame that starts at dst[start].
func framePayloadLen(dst []byte, start int) int {
	return len(dst) - start - frameHeaderLen
}

func appendMessage(dst []byte, m *raft.Message) []byte {
	dst = appendArrayHeader(dst, messageFields)
	dst = appendUint(dst, uint64(m.Type))
	dst = appendUint(dst, m.From)
	dst = appendUint(dst, m.To)
	dst = appendUint(dst, m.Term)
	dst = appendUint(dst, m.LogTerm)
	dst = appendUint(dst, m.Index)
	dst = appendUint(dst, m.Commit)
	if m.Entries == nil {
		dst = append(dst, mpNil)
	} else {
		dst = appendArrayHeader(dst, len(m.Entries))
		for i := range m.Entries {
			dst = appendEntry(dst, &m.Entries[i])
		}
	}
	if m.Snapshot == nil {
		dst = append(dst, mpNil)
	} else {
		dst = appendSnapshot(dst, m.Snapshot)
	}
	dst = appendBool(dst, m.Reject)
	dst = appendUint(dst, m.RejectHint)
	return appendBytes(dst, m.Context)
}

func appendEntry(dst []byte, e *raft.Entry) []byte {
	dst = appendArrayHeader(dst, entryFields)
	dst = appendUint(dst, e.Term)
	dst = appendUint(dst, e.Index)
	dst = appendUint(dst, uint64(e.Type))
	return appendBytes(dst, e.Data)
}

func appendSnapshot(dst []byte, s *raft.Snapshot) []byte {
	dst = appendArrayHeader(dst, snapshotFields)
	dst = appendArrayHeader(dst, metadataFields)
	dst = appendUint(dst, s.Metadata.Index)
	dst = appendUint(dst, s.Metadata.Term)
	dst = appendArrayHeader(dst, confStateFields)
	dst = appendUints(dst, s.Metadata.ConfState.Voters)
	dst = appendUints(dst, s.Metadata.ConfState.Learners)
	return appendBytes(dst, s.Data)
}

func appendUints(dst []byte, vs []uint64) []byte {
	if vs == nil {
		return append(dst, mpNil)
	}
	dst = appendArrayHeader(dst, len(vs))
	for _, v := range vs {
		dst = appendUint(dst, v)
	}
	return dst
}

func appendArrayHeader(dst []byte, n int) []byte {
	switch {
	case n < 16:
		return append(dst, 0x90|byte(n))
	case n <= math.MaxUint16:
		return append(dst, mpArray16, byte(n>>8), byte(n))
	default:
		return append(dst, mpArray32, byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
	}
}

func appendUint(dst []byte, v uint64) []byte {
	switch {
	case v < 128:
		return append(dst, byte(v))
	case v <= math.MaxUint8:
		return append(dst, mpUint8, byte(v))
	case v <= math.MaxUint16:
		return append(dst, mpUint16, byte(v>>8), byte(v))
	case v <= math.MaxUint32:
		return append(dst, mpUint32, byte(v>>24), byte(v>>16), byte(v>>8), byte(v))
	default:
		dst = append(dst, mpUint64)
		return binary.BigEndian.AppendUint64(dst, v)
	}
}

func appendBool(dst []byte, v bool) []byte {
	if v {
		return append(dst, mpTrue)
	}
	return append(dst, mpFalse)
}

// appendBytes writes b as msgpack bin, or nil when b is nil. A slice longer than 32 bits gets a
// wrong header, but such a payload is refused by finishFrame anyway.
func appendBytes(dst []byte, b []byte) []byte {
	n := len(b)
	switch {
	case b == nil:
		return append(dst, mpNil)
	case n <= math.MaxUint8:
		dst = append(dst, mpBin8, byte(n))
	case n <= math.MaxUint16:
		dst = append(dst, mpBin16, byte(n>>8), byte(n))
	default:
		dst = append(dst, mpBin32, byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
	}
	return append(dst, b...)
}
