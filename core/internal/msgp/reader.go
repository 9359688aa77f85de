package msgp

import "encoding/binary"

// Reader reads a sequence of msgpack values from a byte slice. The first refusal sticks: Err
// reports it, and every later read returns a zero value and consumes nothing. Layouts that are
// checked as a whole (decoders with a fallback) read field after field and look at Err once.
type Reader struct {
	b   []byte // the input; cut at off by a refusal, so that nothing more can be read
	off int
	err error
}

// NewReader returns a Reader at the start of b.
func NewReader(b []byte) Reader { return Reader{b: b} }

// Err is the first refusal, or nil.
func (r *Reader) Err() error { return r.err }

// Fail records err as the refusal unless one is recorded already: a layout's own check. Nothing
// more is read after it.
func (r *Reader) Fail(err error) {
	if r.err == nil {
		r.err = err
		r.b = r.b[:r.off]
	}
}

// Off is the offset of the next value (of the refused one after a refusal).
func (r *Reader) Off() int { return r.off }

// Len is the number of bytes left (none after a refusal).
func (r *Reader) Len() int { return len(r.b) - r.off }

// Done reports whether every byte was read without a refusal.
func (r *Reader) Done() bool { return r.err == nil && r.off == len(r.b) }

// slowRead reads with a Read function: the forms and the refusals a method leaves to it.
func slowRead[T any](r *Reader, read func([]byte) (T, int, error)) T {
	v, n, err := read(r.b[r.off:])
	r.step(n, err)
	return v
}

// step records the outcome of one read of n bytes by a Read function.
func (r *Reader) step(n int, err error) {
	if err != nil {
		r.Fail(err)
		return
	}
	r.off += n
}

// Nil consumes a nil and reports true when one comes next; otherwise it consumes nothing.
func (r *Reader) Nil() bool {
	if r.off < len(r.b) && r.b[r.off] == Nil {
		r.off++
		return true
	}
	return false
}

// Each read below takes the forms the Append functions write itself, and leaves the others and
// the refusals to the Read function (a slow path).

// Uint reads a non-negative integer (ReadUint).
func (r *Reader) Uint() uint64 {
	if off := r.off; off < len(r.b) {
		c := r.b[off]
		if c <= PosFixIntMax {
			r.off = off + 1
			return uint64(c)
		}
		switch b := r.b[off:]; {
		case c == Uint8 && len(b) > 1:
			r.off += 2
			return uint64(b[1])
		case c == Uint16 && len(b) > 2:
			r.off += 3
			return uint64(binary.BigEndian.Uint16(b[1:]))
		case c == Uint32 && len(b) > 4:
			r.off += 5
			return uint64(binary.BigEndian.Uint32(b[1:]))
		case c == Uint64 && len(b) > 8:
			r.off += 9
			return binary.BigEndian.Uint64(b[1:])
		}
	}
	return slowRead(r, ReadUint)
}

// Int reads an integer that fits in an int64 (ReadInt).
func (r *Reader) Int() int64 {
	if off := r.off; off < len(r.b) {
		c := r.b[off]
		if c <= PosFixIntMax || c >= NegFixInt {
			r.off = off + 1
			return int64(int8(c))
		}
		switch b := r.b[off:]; {
		case c == Int8 && len(b) > 1:
			r.off += 2
			return int64(int8(b[1]))
		case c == Int16 && len(b) > 2:
			r.off += 3
			return int64(int16(binary.BigEndian.Uint16(b[1:])))
		case c == Int32 && len(b) > 4:
			r.off += 5
			return int64(int32(binary.BigEndian.Uint32(b[1:])))
		case c == Int64 && len(b) > 8:
			r.off += 9
			return int64(binary.BigEndian.Uint64(b[1:]))
		}
	}
	return slowRead(r, ReadInt)
}

// Bool reads true or false.
func (r *Reader) Bool() bool {
	if off := r.off; off < len(r.b) && r.b[off]&^1 == False {
		r.off = off + 1
		return r.b[off] == True
	}
	r.Fail(ErrNotBool) // the end of the input too: no bool is there
	return false
}

// ArrayLen reads an array header. A count larger than the bytes left (every element takes one at
// least) is refused with ErrShort, so that it can size an allocation.
func (r *Reader) ArrayLen() int {
	if n, ok := r.fixCount(FixArray); ok {
		return n
	}
	v, n, err := ReadArrayHeader(r.b[r.off:])
	return r.count(v, n, err)
}

// MapLen reads a map header, refusing a count larger than the bytes left as ArrayLen does.
func (r *Reader) MapLen() int {
	if n, ok := r.fixCount(FixMap); ok {
		return n
	}
	v, n, err := ReadMapHeader(r.b[r.off:])
	return r.count(v, n, err)
}

// fixCount reads a fix header of the kind base (FixArray, FixMap) whose count the bytes left can
// hold; it consumes nothing and reports false for anything else.
func (r *Reader) fixCount(base byte) (int, bool) {
	if off := r.off; off < len(r.b) {
		if c := r.b[off]; c&0xf0 == base && int(c&0x0f) < len(r.b)-off {
			r.off = off + 1
			return int(c & 0x0f), true
		}
	}
	return 0, false
}

func (r *Reader) count(v, n int, err error) int {
	if err == nil && uint64(v) > uint64(r.Len()-n) {
		err = ErrShort
	}
	r.step(n, err)
	if err != nil {
		return 0
	}
	return v
}

// Str reads a string's bytes (ReadStr), aliasing the input.
func (r *Reader) Str() []byte {
	if off := r.off; off < len(r.b) {
		if c := r.b[off]; c&0xe0 == FixStr {
			if end := off + 1 + int(c&0x1f); end <= len(r.b) {
				r.off = end
				return r.b[off+1 : end : end]
			}
		}
	}
	return slowRead(r, ReadStr)
}

// Bin reads a binary string's bytes (ReadBin), aliasing the input.
func (r *Reader) Bin() []byte {
	if off := r.off; off+1 < len(r.b) && r.b[off] == Bin8 {
		if end := off + 2 + int(r.b[off+1]); end <= len(r.b) {
			r.off = end
			return r.b[off+2 : end : end]
		}
	}
	return slowRead(r, ReadBin)
}

// Skip consumes s and reports true when the input continues with exactly these bytes; otherwise
// it consumes nothing. Layouts use it to pass over known runs (field names, headers) at once.
func (r *Reader) Skip(s string) bool {
	if len(r.b)-r.off < len(s) || string(r.b[r.off:r.off+len(s)]) != s {
		return false
	}
	r.off += len(s)
	return true
}
