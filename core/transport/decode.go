package transport

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"

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

// entrySlabLen is how many entries the decoder allocates at once for the small entry lists of
// consecutive messages, so that a batch of MsgApp costs a few allocations instead of one each.
const entrySlabLen = 64

// decoder reads the msgpack subset the encoder writes. Every method checks bounds first.
type decoder struct {
	b    []byte
	off  int
	slab []raft.Entry // unused entries, handed out with their capacity clipped
}

// newEntries returns n zeroed entries. Small requests share a slab no larger than the remaining
// bytes could fill, so the allocation bound stays linear in the frame length.
func (d *decoder) newEntries(n int) []raft.Entry {
	if n == 0 {
		return []raft.Entry{} // empty, not nil: the encoder keeps the two apart
	}
	if n > len(d.slab) {
		if n >= entrySlabLen {
			return make([]raft.Entry, n)
		}
		d.slab = make([]raft.Entry, max(n, min(entrySlabLen, d.remaining()/minEntryBytes)))
	}
	es := d.slab[:n:n]
	d.slab = d.slab[n:]
	return es
}

func (d *decoder) errorf(format string, args ...any) error {
	return fmt.Errorf("%w: at byte %d: %s", ErrMalformedFrame, d.off, fmt.Sprintf(format, args...))
}

func (d *decoder) remaining() int { return len(d.b) - d.off }

// take returns the next n bytes.
func (d *decoder) take(n int, what string) ([]byte, error) {
	if n < 0 || n > d.remaining() {
		return nil, d.errorf("%s needs %d bytes, %d remain", what, n, d.remaining())
	}
	s := d.b[d.off : d.off+n : d.off+n]
	d.off += n
	return s, nil
}

func (d *decoder) byte(what string) (byte, error) {
	s, err := d.take(1, what)
	if err != nil {
		return 0, err
	}
	return s[0], nil
}

// beUint reads an n-byte big-endian unsigned integer, n ∈ {1, 2, 4, 8}.
func (d *decoder) beUint(n int, what string) (uint64, error) {
	s, err := d.take(n, what)
	if err != nil {
		return 0, err
	}
	var v uint64
	for _, c := range s {
		v = v<<8 | uint64(c)
	}
	return v, nil
}

// arrayLen reads an array header (or nil) and checks that the declared count could fit in the bytes
// that remain, given each element needs at least minElem bytes.
func (d *decoder) arrayLen(what string, minElem int) (n int, isNil bool, err error) {
	c, err := d.byte(what)
	if err != nil {
		return 0, false, err
	}
	var count uint64
	switch {
	case c == mpNil:
		return 0, true, nil
	case c&0xf0 == 0x90:
		count = uint64(c & 0x0f)
	case c == mpArray16:
		count, err = d.beUint(2, what)
	case c == mpArray32:
		count, err = d.beUint(4, what)
	default:
		return 0, false, d.errorf("%s: format 0x%02x is not an array", what, c)
	}
	if err != nil {
		return 0, false, err
	}
	if count > uint64(d.remaining()/minElem) {
		return 0, false, d.errorf("%s declares %d elements but only %d bytes remain", what, count, d.remaining())
	}
	return int(count), false, nil
}

// fixedArray reads an array header that must declare exactly want elements.
func (d *decoder) fixedArray(what string, want int) error {
	n, isNil, err := d.arrayLen(what, 1)
	if err != nil {
		return err
	}
	if isNil || n != want {
		return d.errorf("%s has %d fields, want %d", what, n, want)
	}
	return nil
}

// uint reads an unsigned integer in any width, or a non-negative signed one.
func (d *decoder) uint(what string) (uint64, error) {
	c, err := d.byte(what)
	if err != nil {
		return 0, err
	}
	switch {
	case c < 0x80:
		return uint64(c), nil
	case c == mpUint8:
		return d.beUint(1, what)
	case c == mpUint16:
		return d.beUint(2, what)
	case c == mpUint32:
		return d.beUint(4, what)
	case c == mpUint64:
		return d.beUint(8, what)
	case c == mpInt8, c == mpInt16, c == mpInt32, c == mpInt64:
		width := 1 << (c - mpInt8)
		v, err := d.beUint(width, what)
		if err != nil {
			return 0, err
		}
		if v>>(uint(width)*8-1) != 0 {
			return 0, d.errorf("%s is negative", what)
		}
		return v, nil
	default:
		return 0, d.errorf("%s: format 0x%02x is not an unsigned integer", what, c)
	}
}

// uint8 reads an unsigned integer that must fit in 8 bits (message and entry types).
func (d *decoder) uint8(what string) (uint8, error) {
	v, err := d.uint(what)
	if err != nil {
		return 0, err
	}
	if v > math.MaxUint8 {
		return 0, d.errorf("%s %d does not fit in 8 bits", what, v)
	}
	return uint8(v), nil
}

func (d *decoder) bool(what string) (bool, error) {
	c, err := d.byte(what)
	if err != nil {
		return false, err
	}
	switch c {
	case mpTrue:
		return true, nil
	case mpFalse:
		return false, nil
	}
	return false, d.errorf("%s: format 0x%02x is not a bool", what, c)
}

// bytes reads bin (or str) data, or nil. The result aliases the payload with its capacity clipped,
// so appending to it never overwrites the rest of the frame.
func (d *decoder) bytes(what string) ([]byte, error) {
	c, err := d.byte(what)
	if err != nil {
		return nil, err
	}
	var n uint64
	switch {
	case c == mpNil:
		return nil, nil
	case c&0xe0 == 0xa0: // fixstr
		n = uint64(c & 0x1f)
	case c == mpBin8, c == 0xd9: // bin8, str8
		n, err = d.beUint(1, what)
	case c == mpBin16, c == 0xda: // bin16, str16
		n, err = d.beUint(2, what)
	case c == mpBin32, c == 0xdb: // bin32, str32
		n, err = d.beUint(4, what)
	default:
		return nil, d.errorf("%s: format 0x%02x is not binary data", what, c)
	}
	if err != nil {
		return nil, err
	}
	if n > uint64(d.remaining()) {
		return nil, d.errorf("%s declares %d bytes but only %d remain", what, n, d.remaining())
	}
	return d.take(int(n), what)
}

func (d *decoder) uints(what string) ([]uint64, error) {
	n, isNil, err := d.arrayLen(what, minUintBytes)
	if err != nil || isNil {
		return nil, err
	}
	vs := make([]uint64, n)
	for i := range vs {
		if vs[i], err = d.uint(what); err != nil {
			return nil, err
		}
	}
	return vs, nil
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
