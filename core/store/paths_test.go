package store

import (
	"math/rand/v2"
	"path"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// cleanKey is path.Clean("/" + key) on every key, whether its one-pass check takes it as clean or
// not; keys are drawn from the bytes that matter to cleaning.
func TestCleanKeyAgreesWithPathClean(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	const alphabet = "/./a_"
	keys := []string{"", "/", "//", "/.", "/..", "/a", "/a/", "/a//b", "/a/./b", "/a/../b", "/.a", "a/b", "/a.b/c.", "/_x/y"}
	for range 20000 {
		var b strings.Builder
		for range rng.IntN(9) {
			b.WriteByte(alphabet[rng.IntN(len(alphabet))])
		}
		keys = append(keys, b.String())
	}
	clean := 0
	for _, key := range keys {
		want := path.Clean("/" + key)
		require.Equal(t, want, cleanKey(key), "key %q", key)
		if isCleanKey(key) {
			require.Equal(t, want, key, "key %q is taken as clean", key)
			clean++
		}
	}
	require.Greater(t, clean, 1000, "the fast path is exercised")
}

func BenchmarkCleanKey(b *testing.B) {
	keys := []string{"/keys/ka", "/bench/12345", "/a/b/c/d", "/"}
	for b.Loop() {
		for _, k := range keys {
			if cleanKey(k) != k {
				b.Fatal(k)
			}
		}
	}
}
