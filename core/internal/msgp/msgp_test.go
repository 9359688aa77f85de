package msgp

import (
	"bytes"
	"encoding/binary"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/hashicorp/go-msgpack/v2/codec"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// handle is the reference: go-msgpack with WriteExt, as the WAL, the transport and the node use it.
var handle = &codec.MsgpackHandle{WriteExt: true}

func codecEncode(t testing.TB, v any) []byte {
	t.Helper()
	var out []byte
	require.NoError(t, codec.NewEncoderBytes(&out, handle).Encode(v))
	return out
}

// codecDecode decodes b with the reference into a new value of the type of *ptr.
func codecDecode[T any](t testing.TB, b []byte) T {
	t.Helper()
	var v T
	require.NoError(t, codec.NewDecoderBytes(b, handle).Decode(&v), "% x", b)
	return v
}

// uintCases are the boundaries of every unsigned form, and random values of every bit length.
func uintCases(rng *rand.Rand) []uint64 {
	vs := []uint64{0, 1, 126, 127, 128, 129, 254, 255, 256, 257, 65534, 65535, 65536, 65537,
		math.MaxUint32 - 1, math.MaxUint32, math.MaxUint32 + 1, math.MaxInt64, math.MaxInt64 + 1, math.MaxUint64 - 1, math.MaxUint64}
	for bits := 1; bits <= 64; bits++ {
		for range 8 {
			vs = append(vs, rng.Uint64()>>(64-bits))
		}
	}
	return vs
}

// intCases are the boundaries of every signed form, and random values of every bit length, both signs.
func intCases(rng *rand.Rand) []int64 {
	vs := []int64{0, 1, -1, 127, 128, -31, -32, -33, -127, -128, -129, 255, 256, math.MaxInt16, math.MaxInt16 + 1,
		math.MinInt16, math.MinInt16 - 1, math.MaxUint16, math.MaxUint16 + 1, math.MaxInt32, math.MaxInt32 + 1,
		math.MinInt32, math.MinInt32 - 1, math.MaxUint32, math.MaxUint32 + 1, math.MaxInt64, math.MinInt64, math.MinInt64 + 1}
	for bits := 1; bits <= 63; bits++ {
		for range 8 {
			v := int64(rng.Uint64() >> (64 - bits))
			vs = append(vs, v, -v)
		}
	}
	return vs
}

// lengthCases are the boundaries of every length form, and random lengths below 70 000.
func lengthCases(rng *rand.Rand) []int {
	ls := []int{0, 1, 14, 15, 16, 17, 30, 31, 32, 33, 254, 255, 256, 257, 65534, 65535, 65536, 65537}
	for range 16 {
		ls = append(ls, rng.IntN(70000))
	}
	return ls
}

func newRand(t *testing.T) *rand.Rand {
	seed := rand.Uint64()
	t.Logf("seed %d", seed)
	return rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
}

func TestAppendWritesWhatTheCodecWrites(t *testing.T) {
	rng := newRand(t)
	for _, v := range uintCases(rng) {
		require.Equal(t, codecEncode(t, v), AppendUint(nil, v), "uint %d", v)
	}
	for _, v := range intCases(rng) {
		require.Equal(t, codecEncode(t, v), AppendInt(nil, v), "int %d", v)
	}
	for _, v := range []bool{false, true} {
		require.Equal(t, codecEncode(t, v), AppendBool(nil, v))
	}
	require.Equal(t, codecEncode(t, []byte(nil)), AppendNil(nil))
	require.Equal(t, codecEncode(t, []byte(nil)), AppendBin(nil, nil), "a nil slice is nil")
	for _, l := range lengthCases(rng) {
		s := strings.Repeat("x", l)
		require.Equal(t, codecEncode(t, s), AppendStr(nil, s), "string of %d bytes", l)
		p := []byte(s)
		require.Equal(t, codecEncode(t, p), AppendBin(nil, p), "bin of %d bytes", l)
		// Every element of a []uint64 of zeros is one byte: the header is what remains.
		require.Equal(t, codecEncode(t, make([]uint64, l)), append(AppendArrayHeader(nil, l), make([]byte, l)...), "array of %d", l)
		m := make(map[uint64]bool, l)
		for i := range l {
			m[uint64(i)] = false
		}
		header := AppendMapHeader(nil, l)
		require.Equal(t, header, codecEncode(t, m)[:len(header)], "map of %d", l)
	}
	assert.Equal(t, []byte{0x01, 0xa1, 'x', 0x05}, AppendUint(AppendStr([]byte{0x01}, "x"), 5), "Append functions append")
}

func TestAppendUintsWritesWhatTheCodecWrites(t *testing.T) {
	rng := newRand(t)
	for _, vs := range [][]uint64{nil, {}, {0}, uintCases(rng)} {
		require.Equal(t, codecEncode(t, vs), AppendUints(nil, vs), "%v", vs)
	}
}

// requireReads checks that read takes the whole of b and gives want.
func requireReads[T any](t *testing.T, read func([]byte) (T, int, error), b []byte, want T) {
	t.Helper()
	got, n, err := read(b)
	require.NoError(t, err, "% x", b)
	require.Equal(t, want, got)
	require.Equal(t, len(b), n)
}

func TestReadReadsWhatTheCodecWrites(t *testing.T) {
	rng := newRand(t)
	for _, v := range uintCases(rng) {
		requireReads(t, ReadUint, codecEncode(t, v), v)
	}
	for _, v := range intCases(rng) {
		requireReads(t, ReadInt, codecEncode(t, v), v)
	}
	for _, l := range lengthCases(rng) {
		p := make([]byte, l)
		for i := range p {
			p[i] = byte(rng.Uint32())
		}
		requireReads(t, ReadBin, codecEncode(t, p), p)
		requireReads(t, ReadStr, codecEncode(t, string(p)), p)
		got, _, _ := ReadBin(codecEncode(t, p))
		require.Equal(t, len(got), cap(got), "the bytes are capped at their end")

		count, n, err := ReadArrayHeader(codecEncode(t, make([]uint64, l)))
		require.NoError(t, err)
		require.Equal(t, l, count)
		require.Equal(t, len(AppendArrayHeader(nil, l)), n)
	}
}

// forms lists one value in every form msgpack has for it, with what the codec decodes from it.
type form struct {
	name string
	b    []byte
}

func be(format byte, width int, v uint64) []byte {
	b := []byte{format}
	switch width {
	case 1:
		return append(b, byte(v))
	case 2:
		return binary.BigEndian.AppendUint16(b, uint16(v))
	case 4:
		return binary.BigEndian.AppendUint32(b, uint32(v))
	}
	return binary.BigEndian.AppendUint64(b, v)
}

// integerForms writes v in every integer form that holds it, canonical or not.
func integerForms(v int64) []form {
	var out []form
	if v >= -32 && v <= 127 {
		out = append(out, form{"fixint", []byte{byte(v)}})
	}
	for i, width := range []int{1, 2, 4, 8} {
		bits := uint(width * 8)
		if v >= -(1<<(bits-1)) && (bits == 64 || v < 1<<(bits-1)) {
			out = append(out, form{"int" + itoa(bits), be(Int8+byte(i), width, uint64(v))})
		}
		if v >= 0 && (bits == 64 || uint64(v) < 1<<bits) {
			out = append(out, form{"uint" + itoa(bits), be(Uint8+byte(i), width, uint64(v))})
		}
	}
	return out
}

func itoa(n uint) string { return string(rune('0'+n/10)) + string(rune('0'+n%10)) }

func TestReadAcceptsEveryFormAsTheCodecDoes(t *testing.T) {
	rng := newRand(t)
	for _, v := range intCases(rng) {
		for _, f := range integerForms(v) {
			got, n, err := ReadInt(f.b)
			require.NoError(t, err, "%d as %s", v, f.name)
			require.Equal(t, codecDecode[int64](t, f.b), got, "%d as %s", v, f.name)
			require.Equal(t, len(f.b), n)
			u, n, err := ReadUint(f.b)
			if v < 0 {
				require.ErrorIs(t, err, ErrNegative, "%d as %s", v, f.name)
				require.Zero(t, n)
				continue
			}
			require.NoError(t, err, "%d as %s", v, f.name)
			require.Equal(t, codecDecode[uint64](t, f.b), u, "%d as %s", v, f.name)
			require.Equal(t, len(f.b), n)
		}
	}
	u, _, err := ReadUint(be(Uint64, 8, math.MaxUint64))
	require.NoError(t, err)
	require.Equal(t, uint64(math.MaxUint64), u)
	_, _, err = ReadInt(be(Uint64, 8, math.MaxUint64))
	require.ErrorIs(t, err, ErrOverflow)

	for _, l := range []int{0, 5, 31, 200} {
		data := bytes.Repeat([]byte{'d'}, l)
		var strs, bins []form
		if l < 32 {
			strs = append(strs, form{"fixstr", []byte{FixStr | byte(l)}})
		}
		for i, width := range []int{1, 2, 4} {
			strs = append(strs, form{"str" + itoa(uint(width*8)), be(Str8+byte(i), width, uint64(l))})
			bins = append(bins, form{"bin" + itoa(uint(width*8)), be(Bin8+byte(i), width, uint64(l))})
		}
		for _, kind := range []struct {
			forms        []form
			read, others func([]byte) ([]byte, int, error)
			othersRefuse error
		}{
			{strs, ReadStr, ReadBin, ErrNotBin},
			{bins, ReadBin, ReadStr, ErrNotStr},
		} {
			for _, f := range kind.forms {
				b := append(f.b, data...)
				requireReads(t, kind.read, b, codecDecode[[]byte](t, b))
				_, _, err := kind.others(b)
				require.ErrorIs(t, err, kind.othersRefuse, f.name)
				hl, hn, err := ReadBytesHeader(b)
				require.NoError(t, err, f.name)
				require.Equal(t, []int{l, len(f.b)}, []int{hl, hn}, f.name)
			}
		}
	}

	for _, l := range []int{0, 3, 15} {
		zeros := make([]byte, l)
		for _, f := range []form{{"fixarray", []byte{FixArray | byte(l)}}, {"array16", be(Array16, 2, uint64(l))}, {"array32", be(Array32, 4, uint64(l))}} {
			b := append(f.b, zeros...)
			count, n, err := ReadArrayHeader(b)
			require.NoError(t, err, f.name)
			require.Equal(t, len(codecDecode[[]uint64](t, b)), count, f.name)
			require.Equal(t, len(f.b), n)
		}
		var pairs []byte
		for i := range l {
			pairs = append(pairs, byte(i), False)
		}
		for _, f := range []form{{"fixmap", []byte{FixMap | byte(l)}}, {"map16", be(Map16, 2, uint64(l))}, {"map32", be(Map32, 4, uint64(l))}} {
			b := append(f.b, pairs...)
			count, n, err := ReadMapHeader(b)
			require.NoError(t, err, f.name)
			require.Equal(t, len(codecDecode[map[uint64]bool](t, b)), count, f.name)
			require.Equal(t, len(f.b), n)
		}
	}
	for _, v := range []bool{false, true} {
		got, n, err := ReadBool(codecEncode(t, v))
		require.NoError(t, err)
		assert.Equal(t, v, got)
		assert.Equal(t, 1, n)
	}
	assert.True(t, IsNil(codecEncode(t, []byte(nil))))
}

func TestReadRefusesOtherTypesAndShortInput(t *testing.T) {
	tests := []struct {
		name string
		read func([]byte) (int, error)
		bad  []byte
		want error
	}{
		{"uint from a string", readN(ReadUint), []byte{0xa1, 'x'}, ErrNotUint},
		{"uint from a negative fixint", readN(ReadUint), []byte{0xff}, ErrNegative},
		{"uint from a negative int16", readN(ReadUint), be(Int16, 2, 0x8000), ErrNegative},
		{"int from nil", readN(ReadInt), []byte{Nil}, ErrNotInt},
		{"bool from 1", readN(ReadBool), []byte{0x01}, ErrNotBool},
		{"array from a map", readN(ReadArrayHeader), []byte{FixMap}, ErrNotArray},
		{"array from nil", readN(ReadArrayHeader), []byte{Nil}, ErrNotArray},
		{"map from an array", readN(ReadMapHeader), []byte{FixArray}, ErrNotMap},
		{"str from bin", readN(ReadStrHeader), []byte{Bin8, 0}, ErrNotStr},
		{"bin from nil", readN(ReadBinHeader), []byte{Nil}, ErrNotBin},
		{"bytes from an int", readN(ReadBytesHeader), []byte{0x01}, ErrNotBytes},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, err := tt.read(tt.bad)
			require.ErrorIs(t, err, tt.want)
			assert.Zero(t, n)
		})
	}

	// Every proper prefix of every value is short.
	var all []byte
	for _, b := range [][]byte{AppendUint(nil, math.MaxUint64), AppendInt(nil, math.MinInt64), AppendStr(nil, strings.Repeat("s", 300)),
		AppendBin(nil, make([]byte, 70000)), AppendArrayHeader(nil, 70000), AppendMapHeader(nil, 70000), AppendBool(nil, true)} {
		all = append(all, b...)
		for cut := range len(b) {
			for _, read := range []func([]byte) (int, error){readN(ReadUint), readN(ReadInt), readN(ReadBool), readN(ReadStr), readN(ReadBin),
				readN(ReadArrayHeader), readN(ReadMapHeader), readN(ReadBytesHeader)} {
				n, err := read(b[:cut])
				if err == nil {
					require.LessOrEqual(t, n, cut)
					continue
				}
				require.Zero(t, n)
			}
			if cut < len(b) && b[0] != True && !(b[0]&0xf0 == FixArray || b[0]&0xf0 == FixMap) {
				_, err := readerFor(b[0])(b[:cut])
				require.ErrorIs(t, err, ErrShort, "% x cut at %d", b[:min(cut, 9)], cut)
			}
		}
	}
}

// readerFor is the Read function for the format byte c.
func readerFor(c byte) func([]byte) (int, error) {
	switch {
	case c == Uint64:
		return readN(ReadUint)
	case c == Int64:
		return readN(ReadInt)
	case c >= Str8 && c <= Str32:
		return readN(ReadStr)
	case c >= Bin8 && c <= Bin32:
		return readN(ReadBin)
	case c == Array16 || c == Array32:
		return readN(ReadArrayHeader)
	default:
		return readN(ReadMapHeader)
	}
}

func readN[T any](read func([]byte) (T, int, error)) func([]byte) (int, error) {
	return func(b []byte) (int, error) {
		_, n, err := read(b)
		return n, err
	}
}

func TestReaderSticksAtTheFirstRefusal(t *testing.T) {
	var b []byte
	b = AppendMapHeader(b, 1)
	b = AppendStr(b, "k")
	b = AppendArrayHeader(b, 2)
	b = AppendUint(b, 300)
	b = AppendInt(b, -5)
	b = AppendBin(b, []byte("data"))
	b = AppendBool(b, true)
	b = AppendNil(b)
	r := NewReader(b)
	assert.Equal(t, 1, r.MapLen())
	assert.True(t, r.Skip("\xa1k"))
	assert.False(t, r.Skip("nope"))
	assert.Equal(t, 2, r.ArrayLen())
	assert.Equal(t, uint64(300), r.Uint())
	assert.Equal(t, int64(-5), r.Int())
	assert.Equal(t, []byte("data"), r.Bin())
	assert.True(t, r.Bool())
	assert.True(t, r.Nil())
	assert.True(t, r.Done())

	r = NewReader(append(AppendStr(nil, "x"), 0x01))
	assert.Zero(t, r.Uint(), "a string is no integer")
	require.ErrorIs(t, r.Err(), ErrNotUint)
	assert.Nil(t, r.Str(), "nothing is read after a refusal")
	assert.Zero(t, r.Off())
	assert.False(t, r.Done())

	r = NewReader([]byte{Array32, 0, 0, 1, 0, 0})
	assert.Zero(t, r.ArrayLen(), "256 elements cannot fit in one byte")
	require.ErrorIs(t, r.Err(), ErrShort)
}

// FuzzRead holds the Read functions to the codec on arbitrary input: they never panic, never take
// more than they are given, and what they accept the codec decodes to the same value.
func FuzzRead(f *testing.F) {
	for _, seed := range [][]byte{{0x05}, {0xff}, be(Int16, 2, 7), be(Uint32, 4, 1<<20), {0xa2, 'h', 'i'}, {Bin8, 1, 9},
		{Str16, 0, 1, 'z'}, {FixArray | 2, 1, 2}, {Map16, 0, 1, 1, 2}, {True}, {Nil}, {Int64}} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if u, n, err := ReadUint(b); err == nil {
			require.LessOrEqual(t, n, len(b))
			require.Equal(t, codecDecode[uint64](t, b[:n]), u)
		}
		if i, n, err := ReadInt(b); err == nil {
			require.Equal(t, codecDecode[int64](t, b[:n]), i)
		}
		if s, n, err := ReadStr(b); err == nil {
			require.Equal(t, codecDecode[string](t, b[:n]), string(s))
		}
		if p, n, err := ReadBin(b); err == nil {
			require.Equal(t, codecDecode[[]byte](t, b[:n]), p)
		}
		if v, n, err := ReadBool(b); err == nil {
			require.Equal(t, codecDecode[bool](t, b[:n]), v)
		}
		for _, read := range []func([]byte) (int, error){readN(ReadArrayHeader), readN(ReadMapHeader), readN(ReadBytesHeader)} {
			if n, err := read(b); err == nil {
				require.LessOrEqual(t, n, len(b))
			}
		}
	})
}
