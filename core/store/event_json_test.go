package store

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// encodingJSON is what json.Marshal writes for v: the reference AppendJSON must match.
func encodingJSON(t testing.TB, v any) []byte {
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return b
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

func randomNode(rng *rand.Rand, depth int) *NodeExtern {
	if rng.IntN(10) == 0 {
		return nil
	}
	n := &NodeExtern{}
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
func TestEventAppendJSONMatchesEncodingJSON(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 8))
	for i := range 20000 {
		ev := &Event{Action: randomString(rng), Node: randomNode(rng, 0), EtcdIndex: 3}
		if rng.IntN(2) == 0 {
			ev.PrevNode = randomNode(rng, 0)
		}
		got, ok := ev.AppendJSON(nil)
		require.True(t, ok)
		require.Equal(t, string(encodingJSON(t, ev)), string(got), "event %d", i)
	}
}

// TestAppendEventJSONEveryByte: every single byte, alone and amid text.
func TestEventAppendJSONEveryByte(t *testing.T) {
	for c := range 256 {
		for _, s := range []string{string(rune(c)), string([]byte{byte(c)}), "a" + string([]byte{byte(c)}) + "b"} {
			ev := &Event{Action: "get", Node: &NodeExtern{Key: "/k", Value: &s}}
			got, ok := ev.AppendJSON(nil)
			require.True(t, ok)
			require.Equal(t, string(encodingJSON(t, ev)), string(got), "byte %#x", c)
		}
	}
}

// TestAppendEventJSONRefusesAnUnencodableExpiration: a year past 9999 has no JSON form; the caller
// falls back on encoding/json, which reports the error.
func TestEventAppendJSONRefusesAnUnencodableExpiration(t *testing.T) {
	far := time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)
	_, ok := (&Event{Action: "get", Node: &NodeExtern{Key: "/k", Expiration: &far}}).AppendJSON(nil)
	require.False(t, ok)
}

func BenchmarkEventAppendJSON(b *testing.B) {
	v := string(bytes.Repeat([]byte("v"), 256))
	prev := "old"
	ev := &Event{Action: "set", Node: &NodeExtern{Key: "/bench/1234", Value: &v, ModifiedIndex: 123456, CreatedIndex: 123456},
		PrevNode: &NodeExtern{Key: "/bench/1234", Value: &prev, ModifiedIndex: 12345, CreatedIndex: 12}}
	b.Run("append", func(b *testing.B) {
		b.ReportAllocs()
		buf := make([]byte, 0, 1024)
		for b.Loop() {
			buf, _ = ev.AppendJSON(buf[:0])
		}
	})
	b.Run("encoding-json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_, _ = json.Marshal(ev)
		}
	})
}

// TestAppendJSONKnowsEveryField fails when Event or NodeExtern change their JSON fields: AppendJSON
// (and the random events above) must then learn the new ones.
func TestAppendJSONKnowsEveryField(t *testing.T) {
	jsonFields := func(v any) []string {
		var out []string
		typ := reflect.TypeOf(v)
		for i := range typ.NumField() {
			out = append(out, typ.Field(i).Name+" "+typ.Field(i).Tag.Get("json"))
		}
		return out
	}
	require.Equal(t, []string{"Action action", "Node node,omitempty", "PrevNode prevNode,omitempty", "EtcdIndex -", "Refresh -"},
		jsonFields(Event{}))
	require.Equal(t, []string{"Key key,omitempty", "Value value,omitempty", "Dir dir,omitempty", "Expiration expiration,omitempty",
		"TTL ttl,omitempty", "Nodes nodes,omitempty", "ModifiedIndex modifiedIndex,omitempty", "CreatedIndex createdIndex,omitempty"},
		jsonFields(NodeExtern{}))
}

// TestAppendJSONStringEveryByteAtEveryPlace: every byte at every position of plain strings of 1 to
// 20 bytes (the word-at-a-time skip covers 8 bytes at a time, so a byte that needs escaping in any
// lane, after any run, is checked), and a run of each plain byte long enough for that skip, match
// encoding/json.
func TestAppendJSONStringEveryByteAtEveryPlace(t *testing.T) {
	quoted := func(s string) string {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		require.NoError(t, enc.Encode(s))
		return strings.TrimSuffix(buf.String(), "\n")
	}
	for n := 1; n <= 20; n++ {
		for at := range n {
			for c := range 256 {
				s := []byte(strings.Repeat("a", n))
				s[at] = byte(c)
				require.Equal(t, quoted(string(s)), string(AppendJSONString(nil, string(s))), "byte %#x at %d of %d", c, at, n)
			}
		}
	}
	for c := range 256 {
		s := strings.Repeat(string([]byte{byte(c)}), 19)
		require.Equal(t, quoted(s), string(AppendJSONString(nil, s)), "19 bytes %#x", c)
	}
}
