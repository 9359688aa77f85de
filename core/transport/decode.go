package transport

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"github.com/raftlab/raftlab/core/raft"
)

// DefaultMaxFrameBytes is the frame payload limit used when Config.MaxFrameBytes (or DecodeFrame's
// maxBytes) is zero.
const DefaultMaxFrameBytes = 64 << 20

// Errors a caller can test for with errors.Is.
var (
	// ErrFrameTooLarge: a frame's payload is longer than the limit in force.
	ErrFrameTooLarge = errors.New("transport: frame too large")
	// ErrMalformedFrame: a frame's payload is not a valid message batch.
	ErrMalformedFrame = errors.New("transport: malformed frame")
)

// Smallest encodings, used to check a declared element count against the bytes that remain before
// anything is allocated for it.
const (
	minMessageBytes = 1 + messageFields // array header plus one byte per field
	minEntryBytes   = 1 + entryFields
	minUintBytes    = 1
)

// readChunk is how much payload DecodeFrame reads before it commits more memory to a frame, so a
// length prefix alone cannot make it allocate the whole limit.
const readChunk = 64 << 10

// DecodeFrame reads one frame from r and returns its messages. maxBytes bounds the payload length
// (zero or less means DefaultMaxFrameBytes); a longer frame is refused with ErrFrameTooLarge before
// its payload is read. A clean end of stream before the frame starts returns io.EOF; an end inside
// the frame returns io.ErrUnexpectedEOF. Byte slices in the returned messages share one buffer that
// belongs to the caller.
func DecodeFrame(r io.Reader, maxBytes int) ([]raft.Message, error) {
	if maxBytes <= 0 {
		maxBytes = DefaultMaxFrameBytes
	}
	var header [frameHeaderLen]byte
	if _, err := io.ReadFull(r, header[:]); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, io.EOF
		}
		return nil, fmt.Errorf("transport: read frame header: %w", err)
	}
	length := binary.BigEndian.Uint32(header[:])
	if uint64(length) > uint64(maxBytes) {
		return nil, fmt.Errorf("%w: frame of %d bytes exceeds the limit of %d bytes", ErrFrameTooLarge, length, maxBytes)
	}
	if length == 0 {
		return nil, fmt.Errorf("%w: empty payload", ErrMalformedFrame)
	}
	payload, err := readPayload(r, int(length))
	if err != nil {
		return nil, err
	}
	return decodeBatch(payload)
}

// readPayload reads exactly n bytes, growing its buffer no faster than the data arrives.
func readPayload(r io.Reader, n int) ([]byte, error) {
	buf := make([]byte, min(n, readChunk))
	if _, err := io.ReadFull(r, buf); err != nil {
		return nil, fmt.Errorf("transport: read frame payload: %w", unexpectedEOF(err))
	}
	for len(buf) < n {
		old := len(buf)
		grow := min(n-old, old)
		buf = append(buf, make([]byte, grow)...)
		if _, err := io.ReadFull(r, buf[old:]); err != nil {
			return nil, fmt.Errorf("transport: read frame payload: %w", unexpectedEOF(err))
		}
	}
	return buf, nil
}

func unexpectedEOF(err error) error {
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}

// decodeBatch decodes a whole payload: one array of messages and nothing after it.
func decodeBatch(payload []byte) ([]raft.Message, error) {
	d := decoder{b: payload}
	n, isNil, err := d.arrayLen("batch", minMessageBytes)
	if err != nil {
		return nil, err
	}
	if isNil {
		return nil, d.errorf("batch is nil, want an array")
	}
	msgs := make([]raft.Message, n)
	for i := range msgs {
		if err := d.message(&msgs[i]); err != nil {
			return nil, fmt.Errorf("message %d: %w", i, err)
		}
	}
	if rest := len(d.b) - d.off; rest != 0 {
		return nil, d.errorf("%d trailing bytes after the batch", rest)
	}
	return msgs, nil
}

func (d *decoder) message(m *raft.Message) error {
	if err := d.fixedArray("message", messageFields); err != nil {
		return err
	}
	typ, err := d.uint8("message type")
	if err != nil {
		return err
	}
	m.Type = raft.MessageType(typ)
	for _, f := range [...]struct {
		dst  *uint64
		name string
	}{
		{&m.From, "from"}, {&m.To, "to"}, {&m.Term, "term"}, {&m.LogTerm, "log term"},
		{&m.Index, "index"}, {&m.Commit, "commit"},
	} {
		if *f.dst, err = d.uint(f.name); err != nil {
			return err
		}
	}
	if m.Entries, err = d.entries(); err != nil {
		return err
	}
	if m.Snapshot, err = d.snapshot(); err != nil {
		return err
	}
	if m.Reject, err = d.bool("reject"); err != nil {
		return err
	}
	if m.RejectHint, err = d.uint("reject hint"); err != nil {
		return err
	}
	m.Context, err = d.bytes("context")
	return err
}

func (d *decoder) entries() ([]raft.Entry, error) {
	n, isNil, err := d.arrayLen("entries", minEntryBytes)
	if err != nil || isNil {
		return nil, err
	}
	es := d.newEntries(n)
	for i := range es {
		e := &es[i]
		if err := d.fixedArray("entry", entryFields); err != nil {
			return nil, err
		}
		if e.Term, err = d.uint("entry term"); err != nil {
			return nil, err
		}
		if e.Index, err = d.uint("entry index"); err != nil {
			return nil, err
		}
		typ, err := d.uint8("entry type")
		if err != nil {
			return nil, err
		}
		e.Type = raft.EntryType(typ)
		if e.Data, err = d.bytes("entry data"); err != nil {
			return nil, err
		}
	}
	return es, nil
}

func (d *decoder) snapshot() (*raft.Snapshot, error) {
	n, isNil, err := d.arrayLen("snapshot", 1)
	if err != nil || isNil {
		return nil, err
	}
	if n != snapshotFields {
		return nil, d.errorf("snapshot has %d fields, want %d", n, snapshotFields)
	}
	s := &raft.Snapshot{}
	if err := d.fixedArray("snapshot metadata", metadataFields); err != nil {
		return nil, err
	}
	if s.Metadata.Index, err = d.uint("snapshot index"); err != nil {
		return nil, err
	}
	if s.Metadata.Term, err = d.uint("snapshot term"); err != nil {
		return nil, err
	}
	if err := d.fixedArray("conf state", confStateFields); err != nil {
		return nil, err
	}
	if s.Metadata.ConfState.Voters, err = d.uints("voters"); err != nil {
		return nil, err
	}
	if s.Metadata.ConfState.Learners, err = d.uints("learners"); err != nil {
		return nil, err
	}
	if s.Data, err = d.bytes("snapshot data"); err != nil {
		return nil, err
	}
	return s, nil
}
