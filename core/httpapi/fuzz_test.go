package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/raftlab/raftlab/core/store"
)

// FuzzKeysRequest sends arbitrary /v2/keys requests: the handler must never panic, never answer 5xx
// except a backend's 300 error, and every JSON body it writes must be valid.
func FuzzKeysRequest(f *testing.F) {
	f.Add("PUT", "/nosql/foo", "", "value=bar")
	f.Add("GET", "/nosql", "recursive=true&sorted=true", "")
	f.Add("PUT", "/foo", "prevValue=two", "value=three")
	f.Add("DELETE", "/dir", "recursive=true&prevIndex=3", "")
	f.Add("POST", "/queue", "dir=true", "ttl=10")
	f.Add("GET", "/w", "wait=true&waitIndex=1&stream=true", "")
	f.Add("PUT", "/k", "refresh=true&prevExist=true", "ttl=0")
	f.Add("HEAD", "/%2F..", "quorum=1", "")
	f.Fuzz(func(t *testing.T, method, path, query, body string) {
		b := newFakeBackend()
		b.ignoreCtx = true
		for _, r := range []store.Request{
			{Op: store.OpSet, Key: "/nosql/foo", Value: "bar"},
			{Op: store.OpSet, Key: "/foo", Value: "one", HasTTL: true, Expiration: testNow.UnixNano() + 5e9},
			{Op: store.OpSet, Key: "/dir/a/b", Value: "c"},
		} {
			if _, err := b.st.Apply(r); err != nil {
				t.Fatal(err)
			}
		}
		h := New(Config{Backend: b, Clock: func() time.Time { return testNow }, MaxRequestBytes: 4096})
		ctx, cancel := context.WithCancel(context.Background())
		cancel() // watches end right after their headers
		req := (&http.Request{
			Method: method,
			URL:    &url.URL{Path: keysPrefix + path, RawQuery: query},
			Header: http.Header{"Content-Type": {"application/x-www-form-urlencoded"}},
			Body:   http.NoBody,
			Host:   "example.com",
		}).WithContext(ctx)
		if body != "" {
			req.Body = io.NopCloser(strings.NewReader(body))
			req.ContentLength = int64(len(body))
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		out := rec.Body.Bytes()
		if rec.Code >= 500 && !bytes.Contains(out, []byte(`"errorCode":300`)) {
			t.Fatalf("%s %q ?%q %q: status %d: %s", method, path, query, body, rec.Code, out)
		}
		if strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") {
			for _, line := range bytes.Split(bytes.TrimSuffix(out, []byte("\n")), []byte("\n")) {
				if len(line) > 0 && !json.Valid(line) {
					t.Fatalf("invalid JSON line %q", line)
				}
			}
		}
	})
}
