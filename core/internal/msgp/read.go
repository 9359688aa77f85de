package msgp

import (
	"encoding/binary"
	"errors"
	"math"
)

// Why a Read function refused its input. They are sentinel values: a refusal allocates nothing.
var (
	ErrShort    = errors.New("msgp: the data ends inside a value")
	ErrNotUint  = errors.New("msgp: not an unsigned integer")
	ErrNotInt   = errors.New("msgp: not an integer")
	ErrNegative = errors.New("msgp: negative integer")
	ErrOverflow = errors.New("msgp: integer does not fit in 64 signed bits")
	ErrNotBool  = errors.New("msgp: not a bool")
	ErrNotArray = errors.New("msgp: not an array")
	ErrNotMap   = errors.New("msgp: not a map")
	ErrNotStr   = errors.New("msgp: not a string")
	ErrNotBin   = errors.New("msgp: not a binary string")
	ErrNotBytes = errors.New("msgp: not binary data or a string")
)

// Every Read function reads one value at the start of b and returns it with the number of bytes it
// took; on a refusal that number is 0 and the error says why (one of the Err values above).

// IsNil reports whether b starts with nil.
func IsNil(b []byte) bool { return len(b) > 0 && b[0] == Nil }

// ReadUint reads a non-negative integer in any form: fixint, uint8 to uint64, or int8 to int64
// holding a non-negative value.
func ReadUint(b []byte) (uint64, int, error) {
	if len(b) > 0 && b[0] <= PosFixIntMax {
		return uint64(b[0]), 1, nil
	}
	return readUint(b)
}

func readUint(b []byte) (uint64, int, error) {
	if len(b) == 0 {
		return 0, 0, ErrShort
	}
	switch c := b[0]; {
	case c >= Uint8 && c <= Uint64:
		return bigEndian(b, 1<<(c-Uint8))
	case c >= Int8 && c <= Int64:
		v, n, err := readSigned(b, 1<<(c-Int8))
		if err == nil && v < 0 {
			return 0, 0, ErrNegative
		}
		return uint64(v), n, err
	case c >= NegFixInt:
		return 0, 0, ErrNegative
	default:
		return 0, 0, ErrNotUint
	}
}

// ReadInt reads an integer in any form that fits in an int64.
func ReadInt(b []byte) (int64, int, error) {
	if len(b) == 0 {
		return 0, 0, ErrShort
	}
	switch c := b[0]; {
	case c <= PosFixIntMax || c >= NegFixInt:
		return int64(int8(c)), 1, nil
	case c >= Int8 && c <= Int64:
		return readSigned(b, 1<<(c-Int8))
	case c >= Uint8 && c <= Uint64:
		v, n, err := bigEndian(b, 1<<(c-Uint8))
		if err == nil && v > math.MaxInt64 {
			return 0, 0, ErrOverflow
		}
		return int64(v), n, err
	default:
		return 0, 0, ErrNotInt
	}
}

// ReadBool reads true or false.
func ReadBool(b []byte) (bool, int, error) {
	if len(b) == 0 {
		return false, 0, ErrShort
	}
	switch b[0] {
	case True:
		return true, 1, nil
	case False:
		return false, 1, nil
	}
	return false, 0, ErrNotBool
}

// ReadArrayHeader reads the header of an array (not nil) and returns its element count.
func ReadArrayHeader(b []byte) (int, int, error) {
	if len(b) > 0 && b[0]&0xf0 == FixArray {
		return int(b[0] & 0x0f), 1, nil
	}
	return readLength(b, Array16, Array32, 0, ErrNotArray)
}

// ReadMapHeader reads the header of a map (not nil) and returns its pair count.
func ReadMapHeader(b []byte) (int, int, error) {
	if len(b) > 0 && b[0]&0xf0 == FixMap {
		return int(b[0] & 0x0f), 1, nil
	}
	return readLength(b, Map16, Map32, 0, ErrNotMap)
}

// ReadStrHeader reads the header of a string and returns its length in bytes.
func ReadStrHeader(b []byte) (int, int, error) {
	if len(b) > 0 && b[0]&0xe0 == FixStr {
		return int(b[0] & 0x1f), 1, nil
	}
	return readLength(b, Str16, Str32, Str8, ErrNotStr)
}

// ReadBinHeader reads the header of a binary string and returns its length in bytes.
func ReadBinHeader(b []byte) (int, int, error) {
	return readLength(b, Bin16, Bin32, Bin8, ErrNotBin)
}

// ReadBytesHeader reads the header of a binary string or a string, which both carry bytes, and
// returns their length.
func ReadBytesHeader(b []byte) (int, int, error) {
	if len(b) > 0 && b[0] >= Bin8 && b[0] <= Bin32 {
		return ReadBinHeader(b)
	}
	l, n, err := ReadStrHeader(b)
	if err == ErrNotStr {
		err = ErrNotBytes
	}
	return l, n, err
}

// ReadStr reads a string and returns its bytes: a slice of b whose capacity ends with it, so that
// appending to it never overwrites what follows.
func ReadStr(b []byte) ([]byte, int, error) {
	l, h, err := ReadStrHeader(b)
	if err != nil {
		return nil, 0, err
	}
	return data(b, l, h)
}

// ReadBin reads a binary string and returns its bytes, a slice of b as ReadStr's.
func ReadBin(b []byte) ([]byte, int, error) {
	l, h, err := ReadBinHeader(b)
	if err != nil {
		return nil, 0, err
	}
	return data(b, l, h)
}

// data is the l bytes after a header of h bytes.
func data(b []byte, l, h int) ([]byte, int, error) {
	if uint64(l) > uint64(len(b)-h) {
		return nil, 0, ErrShort
	}
	return b[h : h+l : h+l], h + l, nil
}

// readLength reads a 16- or 32-bit length (or an 8-bit one when f8 is not 0) after its format byte.
func readLength(b []byte, f16, f32, f8 byte, notIt error) (int, int, error) {
	if len(b) == 0 {
		return 0, 0, ErrShort
	}
	var width int
	switch b[0] {
	case f16:
		width = 2
	case f32:
		width = 4
	default:
		if f8 == 0 || b[0] != f8 {
			return 0, 0, notIt
		}
		width = 1
	}
	v, n, err := bigEndian(b, width)
	return int(v), n, err
}

// bigEndian reads the width-byte unsigned integer after the format byte.
func bigEndian(b []byte, width int) (uint64, int, error) {
	if len(b) <= width {
		return 0, 0, ErrShort
	}
	switch width {
	case 1:
		return uint64(b[1]), 2, nil
	case 2:
		return uint64(binary.BigEndian.Uint16(b[1:])), 3, nil
	case 4:
		return uint64(binary.BigEndian.Uint32(b[1:])), 5, nil
	default:
		return binary.BigEndian.Uint64(b[1:]), 9, nil
	}
}

// readSigned reads the width-byte two's complement integer after the format byte.
func readSigned(b []byte, width int) (int64, int, error) {
	v, n, err := bigEndian(b, width)
	if err != nil {
		return 0, 0, err
	}
	switch width {
	case 1:
		return int64(int8(v)), n, nil
	case 2:
		return int64(int16(v)), n, nil
	case 4:
		return int64(int32(v)), n, nil
	default:
		return int64(v), n, nil
	}
}
