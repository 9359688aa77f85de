package suite

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestNarrowScriptsOpenTheirWindowAndCorrectCodePasses runs two seeds of each scripted suite: the
// script reaches the step that opens its window, and correct code passes every check.
func TestNarrowScriptsOpenTheirWindowAndCorrectCodePasses(t *testing.T) {
	reached := map[string]string{
		"narrow-read-index-first-term":   "with commit index",
		"narrow-stale-leader-append":     "parked appends on",
		"narrow-transfer-proposal":       "(transfer to",
		"narrow-conf-change-partitioned": "(c) heal",
		"narrow-truncate-crash":          "crash",
		"narrow-snapshot-install":        "reconnect",
		"narrow-deposed-leader-read":     "(c) quorum reads",
		"narrow-truncate-long-suffix":    "crash",
		"narrow-longer-stale-log":        "(d) ",
		"narrow-catch-up-torn":           "fault point wal/before-sync: crash",
		"narrow-strict-reconfig":         "(d) start n5",
		"narrow-snapshot-matching-log":   "keeps its entries past it",
		"narrow-torn-room":               "(c) ",
	}
	seen := 0
	for _, s := range List() {
		if !strings.HasPrefix(s.Name, "narrow-") {
			continue
		}
		seen++
		want, ok := reached[s.Name]
		require.True(t, ok, "%s has no expected step", s.Name)
		for _, seed := range []uint64{1, 2} {
			sum, err := s.Run(seed)
			require.NoError(t, err)
			assert.True(t, sum.Passed, "%s seed %d: %v", s.Name, seed, sum.Problems)
			assert.Contains(t, sum.Faults, want, "%s seed %d", s.Name, seed)
			assert.NotContains(t, sum.Faults, "gave up", "%s seed %d", s.Name, seed)
		}
	}
	assert.Equal(t, len(reached), seen)
}

func TestNarrowScriptsAreDrawnFromTheSeed(t *testing.T) {
	s, err := Lookup("narrow-stale-leader-append")
	require.NoError(t, err)
	a, err := s.Run(5)
	require.NoError(t, err)
	b, err := s.Run(5)
	require.NoError(t, err)
	c, err := s.Run(6)
	require.NoError(t, err)
	assert.Equal(t, a.TraceHash, b.TraceHash)
	assert.Equal(t, a.Faults, b.Faults)
	assert.NotEqual(t, a.Faults, c.Faults)
}
