package msgp

import (
	"encoding/binary"
	"math"
)

// AppendNil appends nil.
func AppendNil(b []byte) []byte { return append(b, Nil) }

// AppendBool appends true or false.
func AppendBool(b []byte, v bool) []byte {
	if v {
		return append(b, True)
	}
	return append(b, False)
}

// AppendUint appends v in its shortest unsigned form: a positive fixint up to 127, then uint8,
// uint16, uint32 or uint64.
func AppendUint(b []byte, v uint64) []byte {
	switch {
	case v <= PosFixIntMax:
		return append(b, byte(v))
	case v <= math.MaxUint8:
		return append(b, Uint8, byte(v))
	case v <= math.MaxUint16:
		return append(b, Uint16, byte(v>>8), byte(v))
	case v <= math.MaxUint32:
		return append(b, Uint32, byte(v>>24), byte(v>>16), byte(v>>8), byte(v))
	default:
		return binary.BigEndian.AppendUint64(append(b, Uint64), v)
	}
}

// AppendInt appends v as the codec writes a signed integer: a fixint from -32 to 127, otherwise the
// shortest signed form that holds it (so 128 is an int16, never a uint8).
func AppendInt(b []byte, v int64) []byte {
	switch {
	case v > math.MaxInt8:
		switch {
		case v <= math.MaxInt16:
			return binary.BigEndian.AppendUint16(append(b, Int16), uint16(v))
		case v <= math.MaxInt32:
			return binary.BigEndian.AppendUint32(append(b, Int32), uint32(v))
		default:
			return binary.BigEndian.AppendUint64(append(b, Int64), uint64(v))
		}
	case v >= -32:
		return append(b, byte(v))
	case v >= math.MinInt8:
		return append(b, Int8, byte(v))
	case v >= math.MinInt16:
		return binary.BigEndian.AppendUint16(append(b, Int16), uint16(v))
	case v >= math.MinInt32:
		return binary.BigEndian.AppendUint32(append(b, Int32), uint32(v))
	default:
		return binary.BigEndian.AppendUint64(append(b, Int64), uint64(v))
	}
}

// AppendArrayHeader appends the header of an array of n elements (fixarray, array16 or array32).
func AppendArrayHeader(b []byte, n int) []byte {
	return appendHeader(b, n, FixArray, fixArrayLimit, 0, Array16, Array32)
}

// AppendMapHeader appends the header of a map of n key-value pairs (fixmap, map16 or map32).
func AppendMapHeader(b []byte, n int) []byte {
	return appendHeader(b, n, FixMap, fixMapLimit, 0, Map16, Map32)
}

// AppendStr appends s as a string (fixstr, str8, str16 or str32).
func AppendStr(b []byte, s string) []byte {
	return append(appendHeader(b, len(s), FixStr, fixStrLimit, Str8, Str16, Str32), s...)
}

// AppendBin appends p as a binary string (bin8, bin16 or bin32), or nil when p is nil, as the
// codec writes a byte slice.
func AppendBin(b, p []byte) []byte {
	return append(AppendBinHeader(b, p), p...)
}

// AppendBinHeader appends what AppendBin writes before p's bytes (all of it when p is nil), for a
// caller that writes the bytes themselves separately (a snapshot file written from the snapshot).
func AppendBinHeader(b, p []byte) []byte {
	if p == nil {
		return append(b, Nil)
	}
	return appendHeader(b, len(p), 0, 0, Bin8, Bin16, Bin32)
}

// appendHeader appends a length n: the fix form below fixLimit (fixBase|n), then the 8-bit form
// when the type has one (f8 != 0), then the 16- and 32-bit forms. A length beyond 32 bits has no
// msgpack form; its header is wrong and the caller refuses such a value first.
func appendHeader(b []byte, n int, fixBase byte, fixLimit int, f8, f16, f32 byte) []byte {
	switch {
	case n < fixLimit:
		return append(b, fixBase|byte(n))
	case f8 != 0 && n <= math.MaxUint8:
		return append(b, f8, byte(n))
	case n <= math.MaxUint16:
		return append(b, f16, byte(n>>8), byte(n))
	default:
		return append(b, f32, byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
	}
}

// AppendUints appends vs as an array of unsigned integers, and a nil slice as msgpack nil (as
// go-msgpack encodes a nil []uint64).
func AppendUints(b []byte, vs []uint64) []byte {
	if vs == nil {
		return AppendNil(b)
	}
	b = AppendArrayHeader(b, len(vs))
	for _, v := range vs {
		b = AppendUint(b, v)
	}
	return b
}
