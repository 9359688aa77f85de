package suite

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestListNamesAreUniqueAndComplete(t *testing.T) {
	seen := map[string]bool{}
	bugs := 0
	for _, s := range List() {
		assert.False(t, seen[s.Name], "duplicate suite %s", s.Name)
		seen[s.Name] = true
		assert.NotEmpty(t, s.Doc, s.Name)
		assert.Positive(t, s.Seeds, s.Name)
		assert.NotNil(t, s.Workload, s.Name)
		assert.NotNil(t, s.Faults, s.Name)
		if s.KnownBug {
			bugs++
			assert.True(t, strings.HasPrefix(s.Name, "bug-"), s.Name)
			assert.NotEqual(t, s.Node.Bugs, s.Correct().Node.Bugs, "%s carries a bug", s.Name)
		}
	}
	assert.Equal(t, 4, bugs, "one suite per known bug")
}

func TestLookupFindsSuitesAndCorrectControls(t *testing.T) {
	s, err := Lookup("bug-local-quorum-reads")
	require.NoError(t, err)
	assert.True(t, s.KnownBug)
	c, err := Lookup("bug-local-quorum-reads/correct")
	require.NoError(t, err)
	assert.False(t, c.KnownBug)
	assert.Zero(t, c.Node.Bugs)
	_, err = Lookup("no-such-suite")
	require.ErrorContains(t, err, `no suite called "no-such-suite"`)
	_, err = RunSeed("no-such-suite", 1)
	require.Error(t, err)
}

func TestRunSeedIsDeterministicAndNamesItsReplay(t *testing.T) {
	a, err := RunSeed("keys-crashes", 3)
	require.NoError(t, err)
	b, err := RunSeed("keys-crashes", 3)
	require.NoError(t, err)
	c, err := RunSeed("keys-crashes", 4)
	require.NoError(t, err)
	assert.Equal(t, a.TraceHash, b.TraceHash)
	assert.Equal(t, a.Ops, b.Ops)
	assert.NotEqual(t, a.TraceHash, c.TraceHash)
	assert.Positive(t, a.Ops)
	assert.NotEmpty(t, a.Faults)
	assert.Equal(t, "RAFTLAB_SEED=3 go test ./scenarios -run 'TestSuites/keys-crashes$' -v", a.Replay)
	assert.Equal(t, "RAFTLAB_SEED=5 go test ./scenarios -run 'TestKnownBugs/bug-local-quorum-reads$' -v",
		ReplayCommand("bug-local-quorum-reads", 5))
}

func TestAKnownBugIsReportedWithItsCheck(t *testing.T) {
	sum, err := RunSeed("bug-local-quorum-reads", 2)
	require.NoError(t, err)
	require.False(t, sum.Passed)
	require.NotEmpty(t, sum.Problems)
	assert.True(t, strings.HasPrefix(sum.Problems[0], "linearizability: "), sum.Problems[0])
	assert.False(t, sum.Verdict.Linearizable)
}
