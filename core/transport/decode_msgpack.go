package transport

import (
	"errors"
	"fmt"
	"math"

	"github.com/raftlab/raftlab/core/internal/msgp"
	"github.com/raftlab/raftlab/core/raft"
)

// entrySlabLen is how many entries the decoder allocates at once for the small entry lists of
// consecutive messages, so that a batch of MsgApp costs a few allocations instead of one each.
const entrySlabLen = 64

// decoder reads a frame's layout with core/internal/msgp's primitives, naming what it refused and
// where. Every method checks bounds first.
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

// refused reports what msgp refused at the current offset.
func (d *decoder) refused(what string, err error) error {
	if errors.Is(err, msgp.ErrShort) {
		return d.errorf("%s: the payload ends inside it", what)
	}
	return d.errorf("%s: format 0x%02x: %v", what, d.b[d.off], err)
}

func (d *decoder) remaining() int { return len(d.b) - d.off }

// arrayLen reads an array header (or nil) and checks that the declared count could fit in the bytes
// that remain, given each element needs at least minElem bytes.
func (d *decoder) arrayLen(what string, minElem int) (n int, isNil bool, err error) {
	if msgp.IsNil(d.b[d.off:]) {
		d.off++
		return 0, true, nil
	}
	count, size, err := msgp.ReadArrayHeader(d.b[d.off:])
	if err != nil {
		return 0, false, d.refused(what, err)
	}
	d.off += size
	if uint64(count) > uint64(d.remaining()/minElem) {
		return 0, false, d.errorf("%s declares %d elements but only %d bytes remain", what, count, d.remaining())
	}
	return count, false, nil
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

// uint reads a non-negative integer in any width.
func (d *decoder) uint(what string) (uint64, error) {
	v, n, err := msgp.ReadUint(d.b[d.off:])
	if err != nil {
		return 0, d.refused(what, err)
	}
	d.off += n
	return v, nil
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
	v, n, err := msgp.ReadBool(d.b[d.off:])
	if err != nil {
		return false, d.refused(what, err)
	}
	d.off += n
	return v, nil
}

// bytes reads bin (or str) data, or nil. The result aliases the payload with its capacity clipped,
// so appending to it never overwrites the rest of the frame.
func (d *decoder) bytes(what string) ([]byte, error) {
	if msgp.IsNil(d.b[d.off:]) {
		d.off++
		return nil, nil
	}
	l, n, err := msgp.ReadBytesHeader(d.b[d.off:])
	if err != nil {
		return nil, d.refused(what, err)
	}
	d.off += n
	if uint64(l) > uint64(d.remaining()) {
		return nil, d.errorf("%s declares %d bytes but only %d remain", what, l, d.remaining())
	}
	s := d.b[d.off : d.off+l : d.off+l]
	d.off += l
	return s, nil
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
