package scenarios

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/raftlab/raftlab/checker"
	"github.com/raftlab/raftlab/checker/history"
	"github.com/raftlab/raftlab/scenarios/run"
	"github.com/raftlab/raftlab/scenarios/suite"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fileVerdict writes ops as a history file would hold them, reads the file back and checks it: what
// `labd check FILE` decides.
func fileVerdict(t *testing.T, ops []history.Op, opts checker.Options) checker.Verdict {
	t.Helper()
	var file bytes.Buffer
	require.NoError(t, history.WriteHistory(&file, ops))
	back, err := history.ReadHistory(&file)
	require.NoError(t, err)
	return checker.Check(back, opts)
}

// TestStoryVerdictIsTheFilesVerdict: the verdict a story run reports is the verdict of the history it
// writes, TTL keys and all, on every story.
func TestStoryVerdictIsTheFilesVerdict(t *testing.T) {
	for _, f := range storyFiles(t) {
		name := strings.TrimSuffix(filepath.Base(f), ".story")
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			for _, seed := range seedRange(t, 3) {
				res, err := run.File(f, run.Options{Seed: &seed})
				require.NoError(t, err)
				assert.Equal(t, res.Verdict, fileVerdict(t, res.History, checker.Options{}), "seed %d", seed)
			}
		})
	}
}

// checkSeeds is how many seeds of each suite TestSuiteVerdictIsTheFilesVerdict runs:
// RAFTLAB_CHECK_SEEDS, or 2.
func checkSeeds(t *testing.T) []uint64 {
	t.Helper()
	n := 2
	if v := os.Getenv("RAFTLAB_CHECK_SEEDS"); v != "" {
		var err error
		n, err = strconv.Atoi(v)
		require.NoError(t, err, "RAFTLAB_CHECK_SEEDS must be a whole number")
	}
	seeds := make([]uint64, n)
	for i := range seeds {
		seeds[i] = uint64(i + 1)
	}
	return seeds
}

// TestSuiteVerdictIsTheFilesVerdict: the same on seeds of every suite, known-bug suites included
// (RAFTLAB_CHECK_SEEDS=100 for a hundred each).
func TestSuiteVerdictIsTheFilesVerdict(t *testing.T) {
	for _, s := range suite.List() {
		t.Run(s.Name, func(t *testing.T) {
			t.Parallel()
			for _, seed := range checkSeeds(t) {
				sum, err := s.Run(seed)
				require.NoError(t, err)
				got := fileVerdict(t, sum.History, checker.Options{Timeout: suite.CheckTimeout})
				if sum.Verdict.TimedOut || got.TimedOut {
					t.Logf("seed %d: the search timed out; verdicts not compared", seed)
					continue
				}
				assert.Equal(t, sum.Verdict, got, "seed %d", seed)
				for _, p := range sum.Problems {
					assert.NotContains(t, p, "stale read", "seed %d: a stale local read is a fact, not a problem", seed)
				}
			}
		})
	}
}

// TestTTLSuiteChecksExpiries: the TTL suite's keys are in the linearizability check, and the expiry
// records are what makes their histories linearizable: without them keys vanish for no reason.
func TestTTLSuiteChecksExpiries(t *testing.T) {
	s, err := suite.Lookup("ttl-clock-skew")
	require.NoError(t, err)
	withoutRecords := 0
	for seed := uint64(1); seed <= 3; seed++ {
		sum, err := s.Run(seed)
		require.NoError(t, err)
		require.True(t, sum.Passed, "seed %d: %s", seed, strings.Join(sum.Problems, "\n"))
		records, ttlOps := 0, 0
		var clientOnly []history.Op
		for _, op := range sum.History {
			switch {
			case op.Kind.IsExpiry():
				records++
				continue
			case strings.HasPrefix(op.Key, "/ttl/"):
				ttlOps++
			}
			clientOnly = append(clientOnly, op)
		}
		require.Positive(t, records, "seed %d records expiries", seed)
		require.Positive(t, ttlOps)
		assert.Greater(t, sum.Verdict.OpsChecked, ttlOps, "TTL keys are checked")
		if !checker.Check(clientOnly, checker.Options{Timeout: suite.CheckTimeout}).Linearizable {
			withoutRecords++
		}
	}
	assert.Positive(t, withoutRecords, "without its expiry records some TTL history is not linearizable")
}
