package httpapi

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/raftlab/raftlab/core/store"
)

// encodingJSON is what json.Encoder writes for v: the reference appendEventJSON must match.
func encodingJSON(t testing.TB, v any) []byte {
	var buf bytes.Buffer
	require.NoError(t, json.NewEncoder(&buf).Encode(v))
	return buf.Bytes()
}

// randomString draws a string that exercises every escaping rule: ASCII controls, quotes,
// backslashes, HTML characters, multi-byte runes, U+2028/2029 and invalid UTF-8.
func randomString(rng *rand.Rand) string {
	pieces := []string{"a", "Z", "/", " ", "\"", "\\", "<", ">", "&", "\n", "\r", "\t", "\b", "\f", "\x00", "\x1f",
		"\x7f", "é", "日本", "\u2028", "\u2029", "\U0001F600", "\xff", "\xc3", "\xe2\x80", "\xed\xa0\x80", "\ufffd"}
	n := rng.IntN(12)
	var b []byte
	for range n {
		if rng.IntN(4) == 0 {
			b = append(b, byte(rng.IntN(256)))
		} else {
			b = append(b, pieces[rng.IntN(len(pieces))]...)
		}
	}
	return string(b)
}

func randomNode(rng *rand.Rand, depth int) *store.NodeExtern {
	if rng.IntN(10) == 0 {
		return nil
	}
	n := &store.NodeExtern{}
	if rng.IntN(5) > 0 {
		n.Key = randomString(rng)
	}
	if rng.IntN(3) > 0 {
		v := randomString(rng)
		n.Value = &v
	}
	n.Dir = rng.IntN(4) == 0
	if rng.IntN(4) == 0 {
		e := time.Unix(rng.Int64N(4e9), rng.Int64N(1e9)).In(time.FixedZone("", (rng.IntN(25)-12)*3600))
		n.Expiration = &e
		n.TTL = rng.Int64N(1000) - 10
	}
	if depth < 3 && rng.IntN(3) == 0 {
		for range rng.IntN(4) {
			n.Nodes = append(n.Nodes, randomNode(rng, depth+1))
		}
	}
	if rng.IntN(5) > 0 {
		n.ModifiedIndex = rng.Uint64N(1 << 40)
		n.CreatedIndex = rng.Uint64()
	}
	return n
}

// TestAppendEventJSONMatchesEncodingJSON compares the two encodings on random events.
func TestAppendEventJSONMatchesEncodingJSON(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 8))
	for i := range 20000 {
		ev := &store.Event{Action: randomString(rng), Node: randomNode(rng, 0), EtcdIndex: 3}
		if rng.IntN(2) == 0 {
			ev.PrevNode = randomNode(rng, 0)
		}
		got, ok := appendEventJSON(nil, ev)
		require.True(t, ok)
		require.Equal(t, string(encodingJSON(t, ev)), string(got), "event %d", i)
	}
}

// TestAppendEventJSONEveryByte: every single byte, alone and amid text.
func TestAppendEventJSONEveryByte(t *testing.T) {
	for c := range 256 {
		for _, s := range []string{string(rune(c)), string([]byte{byte(c)}), "a" + string([]byte{byte(c)}) + "b"} {
			ev := &store.Event{Action: "get", Node: &store.NodeExtern{Key: "/k", Value: &s}}
			got, ok := appendEventJSON(nil, ev)
			require.True(t, ok)
			require.Equal(t, string(encodingJSON(t, ev)), string(got), "byte %#x", c)
		}
	}
}

// TestAppendEventJSONRefusesAnUnencodableExpiration: a year past 9999 has no JSON form; the caller
// falls back on encoding/json, which reports the error.
func TestAppendEventJSONRefusesAnUnencodableExpiration(t *testing.T) {
	far := time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)
	_, ok := appendEventJSON(nil, &store.Event{Action: "get", Node: &store.NodeExtern{Key: "/k", Expiration: &far}})
	require.False(t, ok)
}

func BenchmarkAppendEventJSON(b *testing.B) {
	v := string(bytes.Repeat([]byte("v"), 256))
	prev := "old"
	ev := &store.Event{Action: "set", Node: &store.NodeExtern{Key: "/bench/1234", Value: &v, ModifiedIndex: 123456, CreatedIndex: 123456},
		PrevNode: &store.NodeExtern{Key: "/bench/1234", Value: &prev, ModifiedIndex: 12345, CreatedIndex: 12}}
	b.Run("append", func(b *testing.B) {
		b.ReportAllocs()
		buf := make([]byte, 0, 1024)
		for b.Loop() {
			buf, _ = appendEventJSON(buf[:0], ev)
		}
	})
	b.Run("encoding-json", func(b *testing.B) {
		b.ReportAllocs()
		var buf bytes.Buffer
		for b.Loop() {
			buf.Reset()
			_ = json.NewEncoder(&buf).Encode(ev)
		}
	})
}
