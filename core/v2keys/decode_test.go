package v2keys

import (
	"encoding/json"
	"math/rand/v2"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/raftlab/raftlab/core/store"
)

// oddString draws a string that exercises every escaping rule: controls, quotes, backslashes, HTML
// characters, multi-byte runes, U+2028/2029, surrogates and invalid UTF-8.
func oddString(rng *rand.Rand) string {
	pieces := []string{"a", "/", " ", "\"", "\\", "<", ">", "&", "\n", "\t", "\b", "\f", "\x00", "\x1f", "\x7f",
		"é", "日本", "\u2028", "\u2029", "\U0001F600", "\xff", "\xc3", "\xed\xa0\x80", "\ufffd"}
	var b []byte
	for range rng.IntN(10) {
		b = append(b, pieces[rng.IntN(len(pieces))]...)
	}
	return string(b)
}

func oddNode(rng *rand.Rand, depth int) *store.NodeExtern {
	if depth > 0 && rng.IntN(10) == 0 {
		return nil
	}
	n := &store.NodeExtern{Key: oddString(rng), Dir: rng.IntN(4) == 0}
	if rng.IntN(3) > 0 {
		v := oddString(rng)
		n.Value = &v
	}
	if rng.IntN(4) == 0 {
		e := time.Unix(rng.Int64N(4e9), rng.Int64N(1e9)).In(time.FixedZone("", (rng.IntN(25)-12)*3600))
		n.Expiration, n.TTL = &e, rng.Int64N(1000)-10
	}
	if depth < 3 && rng.IntN(3) == 0 {
		for range rng.IntN(4) {
			n.Nodes = append(n.Nodes, oddNode(rng, depth+1))
		}
	}
	if rng.IntN(5) > 0 {
		n.ModifiedIndex, n.CreatedIndex = rng.Uint64N(1<<40), rng.Uint64()
	}
	return n
}

// TestDecodeReadsWhatEncodingJSONReads: on random events, what Decode makes of a response's bytes is
// what encoding/json makes of them, and the body is json.Encoder's.
func TestDecodeReadsWhatEncodingJSONReads(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 9))
	for i := range 3000 {
		ev := &store.Event{Action: oddString(rng), Node: oddNode(rng, 0)}
		if rng.IntN(2) == 0 {
			ev.PrevNode = oddNode(rng, 0)
		}
		r := EventResponse(ev, uint64(i), 7, 2, false)
		w := r.Wire(nil)
		want, err := json.Marshal(ev)
		require.NoError(t, err)
		require.Equal(t, string(want)+"\n", string(w.Body), "event %d", i)
		var ref store.Event
		require.NoError(t, json.Unmarshal(w.Body, &ref))
		a, err := Decode(w)
		require.NoError(t, err, "event %d: %s", i, w.Body)
		require.Equal(t, uint64(i), a.EtcdIndex)
		require.Nil(t, a.Error)
		normalise(&ref)
		normalise(a.Event)
		require.Equal(t, ref, *a.Event, "event %d: %s", i, w.Body)
	}
}

// normalise makes expirations comparable (encoding/json and Decode both parse RFC 3339 into a
// fixed zone, but their *time.Location pointers differ).
func normalise(ev *store.Event) {
	var walk func(n *store.NodeExtern)
	walk = func(n *store.NodeExtern) {
		if n == nil {
			return
		}
		if n.Expiration != nil {
			e := time.Unix(0, n.Expiration.UnixNano()).UTC()
			n.Expiration = &e
		}
		for _, c := range n.Nodes {
			walk(c)
		}
	}
	walk(ev.Node)
	walk(ev.PrevNode)
}

// TestErrorBodyIsEtcds: an error's body is json.Marshal's with a newline, its status and
// X-Etcd-Index the error's, and Decode gives the error back.
func TestErrorBodyIsEtcds(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 1))
	for i := range 500 {
		e := store.NewError([]int{100, 101, 105, 108, 110, 209, 300, 401}[rng.IntN(8)], oddString(rng), rng.Uint64())
		r := ErrorResponse(e)
		w := r.Wire(nil)
		want, err := json.Marshal(e)
		require.NoError(t, err)
		require.Equal(t, string(want)+"\n", string(w.Body))
		require.Equal(t, e.StatusCode(), w.Status)
		a, err := Decode(w)
		require.NoError(t, err, "error %d: %s", i, w.Body)
		var ref store.Error
		require.NoError(t, json.Unmarshal(w.Body, &ref))
		require.Equal(t, ref, *a.Error)
		require.Equal(t, e.Index, a.EtcdIndex)
	}
}

// TestDecodeRefusesWhatIsNotAnAnswer: a bad index header, a truncated or trailing body, a body of
// the wrong kind are errors, never an answer.
func TestDecodeRefusesWhatIsNotAnAnswer(t *testing.T) {
	for name, w := range map[string]Wire{
		"no index":            {Status: 200, Body: []byte(`{"action":"get"}`)},
		"index not a number":  {Status: 200, EtcdIndex: "x1", Body: []byte(`{"action":"get"}`)},
		"truncated":           {Status: 200, EtcdIndex: "1", Body: []byte(`{"action":"get","node":{"key":"/a"`)},
		"trailing":            {Status: 200, EtcdIndex: "1", Body: []byte(`{"action":"get"} x`)},
		"bad escape":          {Status: 200, EtcdIndex: "1", Body: []byte(`{"action":"g\q"}`)},
		"index a string":      {Status: 200, EtcdIndex: "1", Body: []byte(`{"action":"get","node":{"modifiedIndex":"3"}}`)},
		"error not an object": {Status: 404, EtcdIndex: "1", Body: []byte(`[]`)},
		"empty":               {Status: 412, EtcdIndex: "1"},
	} {
		_, err := Decode(w)
		assert.Error(t, err, name)
	}
	a, err := Decode(Wire{Status: http.StatusOK, EtcdIndex: "9", Body: []byte(` {"x":[1,{"y":null}],"action":"get","node":{"key":"/a","value":"v","z":true,"modifiedIndex":3}}` + "\n")})
	require.NoError(t, err, "unknown fields are skipped")
	assert.Equal(t, "/a", a.Event.Node.Key)
	assert.Equal(t, uint64(3), a.Event.Node.ModifiedIndex)
}

// BenchmarkDecode is a client reading a typical answer: a set with its previous node.
func BenchmarkDecode(b *testing.B) {
	v, pv := "value-1", "value-0"
	ev := &store.Event{Action: store.ActionSet, Node: &store.NodeExtern{Key: "/api/k1", Value: &v, ModifiedIndex: 120, CreatedIndex: 120},
		PrevNode: &store.NodeExtern{Key: "/api/k1", Value: &pv, ModifiedIndex: 99, CreatedIndex: 99}}
	r := EventResponse(ev, 120, 130, 4, false)
	w := r.Wire(nil)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Decode(w); err != nil {
			b.Fatal(err)
		}
	}
}

// FuzzDecode: any body gives an answer or an error, never a panic, and a body as a server writes
// it reads as encoding/json reads it.
func FuzzDecode(f *testing.F) {
	v := "v"
	ok := EventResponse(&store.Event{Action: store.ActionSet, Node: &store.NodeExtern{Key: "/k", Value: &v,
		Nodes: []*store.NodeExtern{{Key: "/k/a"}}, ModifiedIndex: 3}}, 3, 4, 1, false)
	fail := ErrorResponse(store.NewError(store.EcodeKeyNotFound, "/k", 9))
	for _, w := range []Wire{ok.Wire(nil), fail.Wire(nil)} {
		f.Add(w.Status, w.Body)
	}
	f.Add(200, []byte(`{"action":"\ud83d\ude00\u0041","node":{"nodes":[null,{"key":"\/x"}],"expiration":"2020-01-01T00:00:00Z"}}`))
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		a, err := Decode(Wire{Status: status, EtcdIndex: "1", Body: body})
		if err != nil || a.Event == nil {
			return
		}
		var ref store.Event
		if json.Unmarshal(body, &ref) != nil {
			return
		}
		if canonical, ok := ref.AppendJSON(nil); !ok || string(canonical)+"\n" != string(body) {
			return // only what a server sends must read alike (encoding/json matches names in any case)
		}
		normalise(&ref)
		normalise(a.Event)
		require.Equal(t, ref, *a.Event, "%q", body)
	})
}
