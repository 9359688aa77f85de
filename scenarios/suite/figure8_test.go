package suite

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFigure8ScriptOverwritesACountedCommitOnlyWithTheBug(t *testing.T) {
	s, err := Lookup("bug-commit-previous-term")
	require.NoError(t, err)
	for _, seed := range []uint64{1, 2} {
		bug, err := s.Run(seed)
		require.NoError(t, err)
		require.False(t, bug.Passed, "seed %d:\n%s", seed, bug.Faults)
		assert.NotEmpty(t, bug.Monitor, "the invariant monitor sees the overwrite")
		assert.True(t, strings.HasPrefix(bug.Problems[0], "monitor: "), bug.Problems[0])
		assert.Contains(t, bug.Faults, "(d) restart", "the script reached step (d)")

		correct, err := s.Correct().Run(seed)
		require.NoError(t, err)
		assert.True(t, correct.Passed, "seed %d: %v", seed, correct.Problems)
		// The same interleaving up to (c): S1 led again and committed, but only past its own term's entry.
		assert.Contains(t, correct.Faults, "committed index")
		assert.Contains(t, correct.Faults, "gave up waiting for S5 to lead again")
	}
}

func TestFigure8ScriptIsDrawnFromTheSeed(t *testing.T) {
	s, err := Lookup("bug-commit-previous-term")
	require.NoError(t, err)
	a, err := s.Run(3)
	require.NoError(t, err)
	b, err := s.Run(3)
	require.NoError(t, err)
	c, err := s.Run(4)
	require.NoError(t, err)
	assert.Equal(t, a.Faults, b.Faults)
	assert.Equal(t, a.TraceHash, b.TraceHash)
	assert.NotEqual(t, a.Faults, c.Faults)
}

func TestMergeTimedOrdersLinesByTime(t *testing.T) {
	got := mergeTimed("at 8s: heal\nat 8s: restart all\n", "at 1.5s: figure 8: x\nat 9s: figure 8: y\n")
	assert.Equal(t, "at 1.5s: figure 8: x\nat 8s: heal\nat 8s: restart all\nat 9s: figure 8: y\n", got)
	assert.Equal(t, "at 1s: a\n", mergeTimed("at 1s: a\n", ""))
}
