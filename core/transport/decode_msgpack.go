package transport

import (
	"fmt"
	"math"

	"github.com/raftlab/raftlab/core/raft"
)

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
