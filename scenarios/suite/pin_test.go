package suite

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A breadth suite is swarmed like every chaos suite, but keeps the options it exists for.
func TestPinnedOptionsSurviveTheSwarm(t *testing.T) {
	s, err := Lookup("one-entry-appends")
	require.NoError(t, err)
	require.True(t, s.Swarm)
	for seed := uint64(1); seed <= 3; seed++ {
		sum, err := s.Run(seed)
		require.NoError(t, err)
		assert.Contains(t, sum.Options, "snapshot every 30 (keep 5)")
		assert.Contains(t, sum.Options, "max msg 1 B, inflight 2")
		assert.Contains(t, sum.Options, DrawOptions(seed).String()[:20], "the rest is the seed's draw")
	}
}
