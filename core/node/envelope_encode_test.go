package node

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/raftlab/raftlab/core/store"
	"github.com/stretchr/testify/require"
)

// The hand-written encoder writes the very bytes the reflective one does, so entries on logs and in
// WALs are the same whichever wrote them, and both decoders read them back.
func TestAppendEnvelopeMatchesTheReflectiveEncoder(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 9))
	envs := sampleEnvelopes()
	for range 400 {
		envs = append(envs, randomEnvelope(rng)) // every integer and length form (envelope_fast_test.go)
	}
	for _, n := range []int{31, 32, 255, 256, 65535, 65536} {
		envs = append(envs, envelope{Write: store.Request{Key: strings.Repeat("k", n), Expiration: int64(n) - 40000}})
	}
	for i, env := range envs {
		want := freshEncode(t, &env)
		got := appendEnvelope(nil, &env)
		require.Equal(t, want, got, "envelope %d: %+v", i, env.Write)

		var back envelope
		require.NoError(t, newCodecs().decodeGeneral(got, &back), "envelope %d", i)
		require.Equal(t, env.Write, back.Write, "envelope %d", i)
		require.Equal(t, env.ID, back.ID, "envelope %d", i)
	}
}
