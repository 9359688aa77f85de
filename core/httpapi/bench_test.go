package httpapi

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// BenchmarkPut measures the handler plus JSON encoding of a set (store apply included), with the
// body a plain reader (net/http's) or held whole (kvd's client front's, read in place).
func BenchmarkPut(b *testing.B) {
	const body = "value=some-value"
	for _, held := range []bool{false, true} {
		name := "plain-body"
		if held {
			name = "held-body"
		}
		b.Run(name, func(b *testing.B) {
			h, _ := newTestHandler(b)
			b.ReportAllocs()
			for b.Loop() {
				req := httptest.NewRequest(http.MethodPut, "/v2/keys/bench/key", strings.NewReader(body))
				if held {
					req.Body = heldBody{Reader: strings.NewReader(body), data: body}
				}
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK && rec.Code != http.StatusCreated {
					b.Fatalf("status %d: %s", rec.Code, rec.Body)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
		})
	}
}

// BenchmarkGet measures the handler plus JSON encoding of a local read of a 10-child directory.
func BenchmarkGet(b *testing.B) {
	h, _ := newTestHandler(b)
	for _, k := range []string{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"} {
		mustServe(b, h, http.MethodPut, "/v2/keys/bench/"+k, "value=v", http.StatusCreated)
	}
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest(http.MethodGet, "/v2/keys/bench?sorted=true", nil)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
}
