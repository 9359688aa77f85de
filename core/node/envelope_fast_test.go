package node

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/hashicorp/go-msgpack/v2/codec"
	"github.com/raftlab/raftlab/core/store"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func randomString(rng *rand.Rand) string {
	switch rng.IntN(5) {
	case 0:
		return ""
	case 1:
		return strings.Repeat("é", rng.IntN(200)) // past the 31- and 255-byte length forms
	case 2:
		return strings.Repeat("k", 256+rng.IntN(70000)) // str16 and str32
	default:
		return "/keys/k" + string(rune('a'+rng.IntN(26)))
	}
}

func randomStrings(rng *rand.Rand) []string {
	switch rng.IntN(3) {
	case 0:
		return nil
	case 1:
		return []string{}
	default:
		out := make([]string, 1+rng.IntN(20))
		for i := range out {
			out[i] = randomString(rng)
		}
		return out
	}
}

func randomUint(rng *rand.Rand) uint64 {
	return []uint64{0, 1, 127, 128, 255, 256, 65535, 65536, math.MaxUint32, math.MaxUint32 + 1, math.MaxUint64, rng.Uint64()}[rng.IntN(12)]
}

func randomInt(rng *rand.Rand) int64 {
	return []int64{0, 1, -1, -32, -33, -128, -129, -32768, -32769, math.MinInt32, math.MinInt32 - 1, math.MinInt64, math.MaxInt64, 1767225600 * 1e9, rng.Int64()}[rng.IntN(15)]
}

func randomEnvelope(rng *rand.Rand) envelope {
	return envelope{
		ID: randomUint(rng), Kind: envelopeKind(rng.IntN(256)),
		Write: store.Request{Op: store.Op(rng.IntN(256)), Key: randomString(rng), Value: randomString(rng),
			Dir: rng.IntN(2) == 0, PrevValue: randomString(rng), PrevIndex: randomUint(rng), Recursive: rng.IntN(2) == 0,
			Refresh: rng.IntN(2) == 0, Expiration: randomInt(rng), HasTTL: rng.IntN(2) == 0, Time: randomInt(rng),
			Caller: randomCaller(rng)},
		Member: Member{ID: randomUint(rng), Name: randomString(rng), PeerURLs: randomStrings(rng), ClientURLs: randomStrings(rng)},
	}
}

// randomCaller is nil half the time, else a caller with each field set or left empty.
func randomCaller(rng *rand.Rand) *store.Caller {
	if rng.IntN(2) == 0 {
		return nil
	}
	c := &store.Caller{Cert: rng.IntN(2) == 0}
	if rng.IntN(2) == 0 {
		c.User = randomString(rng)
	}
	if rng.IntN(2) == 0 {
		c.PasswordTag = randomUint(rng)
	}
	return c
}

// genericDecode is the reflective msgpack decoder the fast path must agree with.
func genericDecode(b []byte) (envelope, error) {
	h := codec.MsgpackHandle{}
	h.WriteExt = true
	var env envelope
	err := codec.NewDecoderBytes(b, &h).Decode(&env)
	return env, err
}

func TestFastEnvelopeDecoderAgreesWithMsgpack(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	c := newCodecs()
	for i := range 3000 {
		want := randomEnvelope(rng)
		b, err := c.encode(&want)
		require.NoError(t, err)
		generic, err := genericDecode(b)
		require.NoError(t, err)
		require.Equal(t, want, generic, "case %d: the generic decoder round-trips", i)
		var fast envelope
		require.NoError(t, decodeEnvelopeFast(b, &fast), "case %d: the node's own encoding is always in the fast form", i)
		require.Equal(t, generic, fast, "case %d", i)
	}
}

func TestFastEnvelopeDecoderFallsBackOutsideItsForm(t *testing.T) {
	c := newCodecs()
	env := sampleEnvelopes()[1]
	good, err := c.encode(&env)
	require.NoError(t, err)
	other, err := c.encode(&struct{ ID, Unknown uint64 }{ID: 4, Unknown: 5})
	require.NoError(t, err)
	cases := map[string][]byte{
		"truncated":      good[:len(good)-1],
		"trailing bytes": append(append([]byte(nil), good...), 0x01),
		"unknown field":  other,
		"nil":            {0xc0},
		"empty":          {},
		"array at top":   {0x91, 0x01},
	}
	for name, b := range cases {
		var fast envelope
		require.ErrorIs(t, decodeEnvelopeFast(b, &fast), errNotFast, name)
		// Through codecs the result is whatever the general decoder makes of it.
		want, wantErr := genericDecode(b)
		var got envelope
		gotErr := c.decode(b, &got)
		require.Equal(t, wantErr != nil, gotErr != nil, name)
		if wantErr == nil {
			require.Equal(t, want, got, name)
		}
	}
}

func BenchmarkEnvelopeDecode(b *testing.B) {
	env := sampleEnvelopes()[0]
	data, err := newCodecs().encode(&env)
	require.NoError(b, err)
	b.Run("in-order", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var got envelope
			if err := decodeEnvelopeInOrder(data, &got); err != nil {
				b.Fatal(err)
			}
		}
	})
	plainEnv := envelope{ID: 1 << 40, Kind: envWrite, Write: store.Request{Op: store.OpSet, Key: "/keys/k7", Value: "v123"}}
	plain := appendEnvelope(nil, &plainEnv)
	b.Run("in-order-plain", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var got envelope
			if err := decodeEnvelopeInOrder(plain, &got); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("codecs", func(b *testing.B) {
		c := newCodecs()
		b.ReportAllocs()
		for b.Loop() {
			var got envelope
			if err := c.decodeEnvelope(data, &got); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("fast", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var got envelope
			if err := decodeEnvelopeFast(data, &got); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("msgpack", func(b *testing.B) {
		h := codec.MsgpackHandle{}
		h.WriteExt = true
		dec := codec.NewDecoderBytes(data, &h)
		b.ReportAllocs()
		for b.Loop() {
			var got envelope
			dec.ResetBytes(data)
			if err := dec.Decode(&got); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// A write's key, value and previous value are copied in one allocation when they are small together,
// and each in its own when that would keep a big one alive with the others.
func TestCopyStringsSharesOneAllocationWhenSmall(t *testing.T) {
	big := strings.Repeat("v", maxSharedStrings)
	tests := []struct {
		name             string
		key, value, prev string
		wantAllocs       float64
	}{
		{name: "key and value", key: "/k", value: "hello", wantAllocs: 1},
		{name: "compare and swap", key: "/k", value: "new", prev: "old", wantAllocs: 1},
		{name: "key only", key: "/dir/k", wantAllocs: 1},
		{name: "nothing", wantAllocs: 0},
		{name: "too big together", key: "/k", value: big, prev: "old", wantAllocs: 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			key, value, prev := []byte(tt.key), []byte(tt.value), []byte(tt.prev)
			k, v, p := copyStrings(key, value, prev)
			assert.Equal(t, []string{tt.key, tt.value, tt.prev}, []string{k, v, p})
			copy(key, strings.Repeat("x", len(key))) // the copies do not alias the input
			assert.Equal(t, tt.key, k)
			// The copies are kept (as the decoded envelope keeps them), so they must be on the heap.
			assert.Equal(t, tt.wantAllocs, testing.AllocsPerRun(20, func() { k, v, p = copyStrings(key, value, prev) }))
		})
	}
}
