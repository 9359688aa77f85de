package httpapi

import (
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/raftlab/raftlab/core/store"
)

// encodedBoth returns ev as writeJSONLine writes it and as writeEventStream writes it.
func encodedBoth(t testing.TB, ev *store.Event) (want, got string) {
	a, b := httptest.NewRecorder(), httptest.NewRecorder()
	require.NoError(t, writeJSONLine(a, http.StatusCreated, ev))
	require.NoError(t, writeEventStream(b, http.StatusCreated, ev))
	assert.Equal(t, a.Code, b.Code)
	assert.Equal(t, a.Header(), b.Header())
	return a.Body.String(), b.Body.String()
}

// oddStrings are strings every JSON escape rule applies to.
var oddStrings = []string{"", "plain", `q"uote\back`, "<b>&amp;</b>", "\x00\x01\b\f\n\r\t\x1f\x7f",
	"é€😀", "\u2028\u2029", "bad\xffutf8\xc3", "\xed\xa0\x80"}

func TestEventStreamMatchesTheEncoder(t *testing.T) {
	s := store.New()
	now := time.Date(2024, 1, 2, 3, 4, 5, 6, time.UTC).UnixNano()
	for i, v := range oddStrings {
		if !utf8.ValidString(v) {
			continue // the store refuses it; FuzzEventStreamString covers it
		}
		key := "/d/k" + strings.Repeat("x", i) + strings.ReplaceAll(v, "/", "")
		_, err := s.Apply(store.Request{Op: store.OpSet, Key: key, Value: v})
		require.NoError(t, err)
	}
	for _, r := range []store.Request{
		{Op: store.OpSet, Key: "/d/empty", Dir: true},
		{Op: store.OpSet, Key: "/d/_hidden", Value: "h"},
		{Op: store.OpSet, Key: "/d/ttl/f", Value: "t", HasTTL: true, Expiration: now + 1500e6},
		{Op: store.OpSet, Key: "/d/ttldir", Dir: true, HasTTL: true, Expiration: now + 3e9 + 7},
		{Op: store.OpSet, Key: "/deep/a/b/c/d", Value: "e"},
	} {
		_, err := s.Apply(r)
		require.NoError(t, err)
	}
	val := "v"
	events := []*store.Event{
		{Action: "set", Node: &store.NodeExtern{}, PrevNode: &store.NodeExtern{Nodes: []*store.NodeExtern{{}}}},
		{Action: "x<y", Node: &store.NodeExtern{Key: "/k", Value: &val, Nodes: []*store.NodeExtern{{Dir: true}},
			ModifiedIndex: 1}},
	}
	for _, key := range []string{"/", "/d", "/d/ttl", "/deep", "/d/empty"} {
		for _, recursive := range []bool{false, true} {
			for _, clock := range []int64{0, now} {
				ev, err := s.Get(key, recursive, true, clock)
				require.NoError(t, err)
				events = append(events, ev)
			}
		}
	}
	for i, ev := range events {
		want, got := encodedBoth(t, ev)
		assert.Equal(t, want, got, "event %d", i)
	}
}

// FuzzEventStreamString: any key and value (valid UTF-8 or not) come out as encoding/json writes them.
func FuzzEventStreamString(f *testing.F) {
	for _, s := range oddStrings {
		f.Add(s, s+"/")
	}
	f.Fuzz(func(t *testing.T, key, value string) {
		ev := &store.Event{Action: key, Node: &store.NodeExtern{Key: key, Value: &value, TTL: int64(len(key)),
			Nodes: []*store.NodeExtern{{Key: value, Value: &key}, {Key: key + value, Dir: true}}}}
		want, got := encodedBoth(t, ev)
		if want != got {
			t.Fatalf("streamed %q, want %q", got, want)
		}
	})
}

// TestRecursiveGetMemoryIsLinear serves a recursive GET of chains of directories 2,000 levels deep
// over a real connection: its JSON (the sum of the key lengths) is many times larger than the
// memory the request may allocate, which grows with the number of nodes only.
func TestRecursiveGetMemoryIsLinear(t *testing.T) {
	b := newFakeBackend()
	const chains, depth = 4, 2000
	for c := range chains {
		_, err := b.st.Apply(store.Request{Op: store.OpSet, Key: "/c" + string(rune('a'+c)) + strings.Repeat("/a", depth-1), Value: "v"})
		require.NoError(t, err)
	}
	srv := httptest.NewServer(New(Config{Backend: b}))
	t.Cleanup(srv.Close)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	resp, err := srv.Client().Get(srv.URL + "/v2/keys/?recursive=true")
	require.NoError(t, err)
	n, err := io.Copy(io.Discard, resp.Body)
	require.NoError(t, err)
	require.NoError(t, resp.Body.Close())
	runtime.ReadMemStats(&after)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	allocated := after.TotalAlloc - before.TotalAlloc
	t.Logf("%d bytes of JSON, %d bytes allocated", n, allocated)
	assert.Greater(t, n, int64(chains*depth*depth), "the JSON holds every key in full")
	assert.Less(t, allocated, uint64(n)/4, "allocations must not grow with the JSON")
}

// BenchmarkRecursiveGet lists a directory chain of each depth: bytes/op and B/op show the JSON
// growing with the square of the depth while the allocations grow with the depth.
func BenchmarkRecursiveGet(b *testing.B) {
	for _, depth := range []int{10, 100, 1000, 2000} {
		b.Run("depth="+strconv.Itoa(depth), func(b *testing.B) {
			fb := newFakeBackend()
			_, err := fb.st.Apply(store.Request{Op: store.OpSet, Key: strings.Repeat("/a", depth), Value: "v"})
			require.NoError(b, err)
			h := New(Config{Backend: fb})
			req := httptest.NewRequest(http.MethodGet, "/v2/keys/?recursive=true", nil)
			w := &countingWriter{header: http.Header{}}
			b.ReportAllocs()
			for b.Loop() {
				h.ServeHTTP(w, req)
			}
			b.SetBytes(w.n / int64(b.N))
		})
	}
}

// countingWriter is a ResponseWriter that counts the body and keeps nothing.
type countingWriter struct {
	header http.Header
	n      int64
}

func (w *countingWriter) Header() http.Header { return w.header }
func (w *countingWriter) WriteHeader(int)     {}
func (w *countingWriter) Write(p []byte) (int, error) {
	w.n += int64(len(p))
	return len(p), nil
}
