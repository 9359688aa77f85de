package scenarios

import (
	"os"
	"path/filepath"
	"strconv"
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

// TestStoriesOnManySeeds: a story asserts what Raft guarantees, not what one schedule happened to do,
// so it passes on every seed of correct code. CI runs seeds 1..20 of every story;
// RAFTLAB_STORY_SEEDS=1000 runs a thousand (as `labd sweep STORY --seeds 1..1000` does, with reports).
func TestStoriesOnManySeeds(t *testing.T) {
	n := 20
	if v := os.Getenv("RAFTLAB_STORY_SEEDS"); v != "" {
		var err error
		n, err = strconv.Atoi(v)
		require.NoError(t, err, "RAFTLAB_STORY_SEEDS must be a whole number")
	}
	for _, f := range storyFiles(t) {
		name := strings.TrimSuffix(filepath.Base(f), ".story")
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			for seed := uint64(1); seed <= uint64(n); seed++ {
				res, err := run.File(f, run.Options{Seed: &seed})
				require.NoError(t, err)
				if !res.Passed {
					t.Errorf("seed %d failed (replay: go run ./cmd/labd replay %s --seed %d):\n%s", seed, name, seed,
						strings.Join(res.Failures, "\n"))
				}
			}
		})
	}
}
