package scenarios

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/raftlab/raftlab/scenarios/run"
	"github.com/stretchr/testify/require"
)

func storyFiles(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("stories/*.story")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	return files
}

// TestStories runs every story file; a failing story prints its narrative and every failure.
func TestStories(t *testing.T) {
	for _, f := range storyFiles(t) {
		name := strings.TrimSuffix(filepath.Base(f), ".story")
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var out strings.Builder
			res, err := run.File(f, run.Options{Out: &out})
			require.NoError(t, err)
			if !res.Passed || testing.Verbose() {
				t.Log("\n" + out.String())
			}
			require.True(t, res.Passed, "story %s failed:\n%s", name, strings.Join(res.Failures, "\n"))
			require.NotEmpty(t, res.Steps)
			require.NotEmpty(t, res.History)
		})
	}
}

// TestStoryReplay: the same story and seed give the same trace hash; another seed another hash.
func TestStoryReplay(t *testing.T) {
	for _, f := range storyFiles(t) {
		name := strings.TrimSuffix(filepath.Base(f), ".story")
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			a, err := run.File(f, run.Options{})
			require.NoError(t, err)
			b, err := run.File(f, run.Options{})
			require.NoError(t, err)
			require.Equal(t, a.TraceHash, b.TraceHash)
			require.Equal(t, a.Narrative, b.Narrative)
			other := a.Seed + 1000
			c, err := run.File(f, run.Options{Seed: &other})
			require.NoError(t, err)
			require.NotEqual(t, a.TraceHash, c.TraceHash)
			require.Equal(t, other, c.Seed)
		})
	}
}
