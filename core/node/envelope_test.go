package node

import (
	"testing"

	"github.com/hashicorp/go-msgpack/v2/codec"
	"github.com/raftlab/raftlab/core/store"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func sampleEnvelopes() []envelope {
	return []envelope{
		{ID: 1, Kind: envWrite, Write: store.Request{Op: store.OpSet, Key: "/a", Value: "one", HasTTL: true, Expiration: 99}},
		{ID: 2, Kind: envMemberUpdate, Member: Member{ID: 7, Name: "n7", PeerURLs: []string{"http://p7"}}},
		{ID: 3, Kind: envWrite, Write: store.Request{Op: store.OpCompareAndSwap, Key: "/b", PrevValue: "x", Value: "y"}},
	}
}

// freshEncode is what the node did before it reused its encoder: a new encoder per envelope.
func freshEncode(t *testing.T, v any) []byte {
	h := codec.MsgpackHandle{}
	h.WriteExt = true
	var b []byte
	require.NoError(t, codec.NewEncoderBytes(&b, &h).Encode(v))
	return b
}

func TestReusedCodecsMatchFreshOnesAndShareNothing(t *testing.T) {
	c := newCodecs()
	var encoded [][]byte
	for _, env := range sampleEnvelopes() {
		b, err := c.encode(&env)
		require.NoError(t, err)
		require.Equal(t, freshEncode(t, &env), b, "the bytes on the log must not depend on encoder reuse")
		encoded = append(encoded, b)
	}
	for i, env := range sampleEnvelopes() {
		require.Equal(t, freshEncode(t, &env), encoded[i], "an earlier result was overwritten by a later encode")
		var got envelope
		require.NoError(t, c.decode(encoded[i], &got))
		assert.Equal(t, env, got)
	}
	var got envelope
	require.Error(t, c.decode(nil, &got), "nil input must not decode the previous bytes again")
	require.Error(t, c.decode(encoded[0][:3], &got), "truncated input")
	require.NoError(t, c.decode(encoded[1], &got), "the decoder recovers after an error")
	assert.Equal(t, sampleEnvelopes()[1], got)
}

func BenchmarkEnvelopeCodec(b *testing.B) {
	env := sampleEnvelopes()[0]
	c := newCodecs()
	data, err := c.encode(&env)
	require.NoError(b, err)
	b.Run("encode-reflective", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := c.encode(&env); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("encode", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := c.encodeEnvelope(&env); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("decode", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var got envelope
			if err := c.decode(data, &got); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// Encoding and decoding an envelope allocate only what the result needs: the encoded copy, and the
// strings of the decoded envelope (as many as the fast decoder alone allocates); neither the
// caller's envelope nor a scratch one goes to the heap.
func TestEnvelopeCodecAllocatesOnlyItsResult(t *testing.T) {
	c := newCodecs()
	env := envelope{ID: 9, Kind: envWrite, Write: store.Request{Op: store.OpSet, Key: "/key", Value: "value"}}
	data, err := c.encodeEnvelope(&env)
	require.NoError(t, err)

	encodeAllocs := testing.AllocsPerRun(50, func() {
		e := envelope{ID: 9, Kind: envWrite, Write: store.Request{Op: store.OpSet, Key: "/key", Value: "value"}}
		_, err := c.encodeEnvelope(&e)
		require.NoError(t, err)
	})
	assert.Equal(t, 1.0, encodeAllocs, "only the returned bytes")

	fastAllocs := testing.AllocsPerRun(50, func() {
		var got envelope
		require.NoError(t, decodeEnvelopeFast(data, &got))
	})
	var got envelope
	require.NoError(t, c.decodeEnvelope(data, &got))
	require.Equal(t, env, got)
	decodeAllocs := testing.AllocsPerRun(50, func() {
		var got envelope
		require.NoError(t, c.decodeEnvelope(data, &got))
	})
	assert.Equal(t, fastAllocs, decodeAllocs)
	assert.Positive(t, decodeAllocs, "the decoded strings are copies of their own")
}
