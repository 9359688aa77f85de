package httpapi

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// BenchmarkAuthorizedGet measures a local read with auth enabled: basic-auth user lookup,
// password check (cached after the first request), role lookup and the read itself.
func BenchmarkAuthorizedGet(b *testing.B) {
	for _, tc := range []struct {
		name string
		as   cred
	}{{"guest", asGuest}, {"user", asAlice}, {"root", asRoot}} {
		b.Run(tc.name, func(b *testing.B) {
			h, _ := setupAuth(b)
			target := "/v2/keys/app/x"
			if tc.as == asGuest {
				target = "/v2/keys/public/x"
			}
			b.ReportAllocs()
			for b.Loop() {
				req := httptest.NewRequest(http.MethodGet, target, nil)
				if tc.as.user != "" {
					req.SetBasicAuth(tc.as.user, tc.as.password)
				}
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Fatalf("status %d: %s", rec.Code, rec.Body)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
		})
	}
}

// BenchmarkPasswordHash measures one PBKDF2 derivation: the cost of a user's first request (and
// of every request with a wrong password).
func BenchmarkPasswordHash(b *testing.B) {
	stored, err := hashPassword("secret")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if !passwordMatches(stored, "secret") {
			b.Fatal("no match")
		}
	}
}
