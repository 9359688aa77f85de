package transport

import (
	"encoding/binary"
	"fmt"
	"io"
	"math"

	"github.com/raftlab/raftlab/core/internal/msgp"
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
	return append(dst, 0, 0, 0, 0, msgp.Array32, 0, 0, 0, 0)
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
	dst = msgp.AppendArrayHeader(dst, messageFields)
	dst = msgp.AppendUint(dst, uint64(m.Type))
	dst = msgp.AppendUint(dst, m.From)
	dst = msgp.AppendUint(dst, m.To)
	dst = msgp.AppendUint(dst, m.Term)
	dst = msgp.AppendUint(dst, m.LogTerm)
	dst = msgp.AppendUint(dst, m.Index)
	dst = msgp.AppendUint(dst, m.Commit)
	if m.Entries == nil {
		dst = msgp.AppendNil(dst)
	} else {
		dst = msgp.AppendArrayHeader(dst, len(m.Entries))
		for i := range m.Entries {
			dst = appendEntry(dst, &m.Entries[i])
		}
	}
	if m.Snapshot == nil {
		dst = msgp.AppendNil(dst)
	} else {
		dst = appendSnapshot(dst, m.Snapshot)
	}
	dst = msgp.AppendBool(dst, m.Reject)
	dst = msgp.AppendUint(dst, m.RejectHint)
	return msgp.AppendBin(dst, m.Context)
}

func appendEntry(dst []byte, e *raft.Entry) []byte {
	dst = msgp.AppendArrayHeader(dst, entryFields)
	dst = msgp.AppendUint(dst, e.Term)
	dst = msgp.AppendUint(dst, e.Index)
	dst = msgp.AppendUint(dst, uint64(e.Type))
	return msgp.AppendBin(dst, e.Data)
}

func appendSnapshot(dst []byte, s *raft.Snapshot) []byte {
	dst = msgp.AppendArrayHeader(dst, snapshotFields)
	dst = msgp.AppendArrayHeader(dst, metadataFields)
	dst = msgp.AppendUint(dst, s.Metadata.Index)
	dst = msgp.AppendUint(dst, s.Metadata.Term)
	dst = msgp.AppendArrayHeader(dst, confStateFields)
	dst = msgp.AppendUints(dst, s.Metadata.ConfState.Voters)
	dst = msgp.AppendUints(dst, s.Metadata.ConfState.Learners)
	return msgp.AppendBin(dst, s.Data)
}
