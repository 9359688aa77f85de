package scenarios

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/raftlab/raftlab/scenarios/suite"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// seedRange is the seeds a sweep runs: RAFTLAB_SEED=N runs only N, RAFTLAB_SEEDS=N runs 1..N,
// otherwise 1..ci.
func seedRange(t *testing.T, ci int) []uint64 {
	t.Helper()
	if v := os.Getenv("RAFTLAB_SEED"); v != "" {
		n, err := strconv.ParseUint(v, 10, 64)
		require.NoError(t, err, "RAFTLAB_SEED must be a whole number")
		return []uint64{n}
	}
	if v := os.Getenv("RAFTLAB_SEEDS"); v != "" {
		n, err := strconv.Atoi(v)
		require.NoError(t, err, "RAFTLAB_SEEDS must be a whole number")
		ci = n
	}
	seeds := make([]uint64, 0, ci)
	for s := 1; s <= ci; s++ {
		seeds = append(seeds, uint64(s))
	}
	return seeds
}

// TestSuites runs every correct-code chaos suite over its seeds: no violation may be found. A
// failure prints the one command that replays the seed. When every suite ran at least its standard
// seeds, it also checks that every coverage mark of core was hit (see coverage).
func TestSuites(t *testing.T) {
	cov := newCoverage()
	t.Cleanup(func() { cov.check(t) }) // after every suite's subtest
	for _, s := range suite.List() {
		if s.KnownBug {
			continue
		}
		cov.expect(s)
		t.Run(s.Name, func(t *testing.T) {
			t.Parallel()
			seeds := seedRange(t, s.Seeds)
			defer cov.ran(s, seeds)
			for _, seed := range seeds {
				sum, err := s.Run(seed)
				require.NoError(t, err)
				cov.add(sum.Marks)
				for _, n := range sum.Notes {
					t.Logf("%s seed %d: %s (replay: %s)", s.Name, seed, n, sum.Replay)
				}
				if !sum.Passed {
					t.Errorf("%s seed %d failed:\n  %s\nfaults:\n%s\nreplay: %s", s.Name, seed,
						strings.Join(sum.Problems, "\n  "), sum.Faults, sum.Replay)
				}
			}
		})
	}
}

// TestKnownBugs proves the lab sees each deliberate bug: a sweep over the suite's seeds finds at
// least one violation with the bug on, and the same sweep on correct code finds none.
func TestKnownBugs(t *testing.T) {
	for _, s := range suite.List() {
		if !s.KnownBug {
			continue
		}
		t.Run(s.Name, func(t *testing.T) {
			t.Parallel()
			found := 0
			seeds := seedRange(t, s.Seeds)
			for _, seed := range seeds {
				sum, err := s.Run(seed)
				require.NoError(t, err)
				if !sum.Passed {
					found++
					t.Logf("seed %d finds the bug: %s (replay: %s)", seed, sum.Problems[0], sum.Replay)
				}
			}
			if s.Blocked != "" {
				t.Skipf("%s cannot be reached yet: %s", s.Name, s.Blocked)
			}
			if len(seeds) > 1 {
				require.Positive(t, found, "no seed in 1..%d found %s", len(seeds), s.Name)
			}
		})
		t.Run(s.Name+"/correct", func(t *testing.T) {
			t.Parallel()
			c := s.Correct()
			for _, seed := range seedRange(t, s.Seeds) {
				sum, err := c.Run(seed)
				require.NoError(t, err)
				if !sum.Passed {
					t.Errorf("%s seed %d failed without the bug:\n  %s\nreplay: %s", c.Name, seed,
						strings.Join(sum.Problems, "\n  "), sum.Replay)
				}
			}
		})
	}
}

// TestRegressionSeeds reruns seeds that once failed on correct code for a reason since fixed.
func TestRegressionSeeds(t *testing.T) {
	tests := []struct {
		suite string
		seed  uint64
		why   string
	}{
		{"bug-commit-previous-term", 971, "the monitor paired a follower's commit index with its persisted log, " +
			"which still held an entry an append had just replaced (node.LogEntries is now raft's view)"},
		{"learners-transfers", 494, "an addition whose outcome stayed unknown was committed but its node " +
			"never started, so the cluster kept a voter that never answered and lost its quorum " +
			"(the operator now starts a member it finds in the membership)"},
		{"learners-transfers", 1758, "the promise check took a stale acknowledgement, made before a later " +
			"leader's entries replaced the acknowledged ones in the same durable write, for a false one"},
		{"learners-transfers", 10398, "the promise check did not let a write not yet fsynced explain a " +
			"recovered snapshot: a deposed leader's own entries were durable, a later leader's snapshot that " +
			"conflicted with them replaced the log, and the crash before its fsync kept it (a crash may keep " +
			"an unsynced write; the snapshot's own index now counts as what that write put there)"},
		{"learners-transfers", 16227, "the promise check never heard of a write that a fault point's crash " +
			"cut short: the snapshot was logged and synced, the node died at wal/before-release before Save " +
			"returned, and the log it recovered (the snapshot's) read as shorter than its durable one (the " +
			"simulator now reports such a write as written, not synced)"},
		{"keys-membership", 14115, "a leader that applied its own removal stopped at once, and the " +
			"members that stayed never learnt that the removal was committed: counting it and a voter " +
			"added but never started, they needed 3 votes of 4 and had 2 (the leader now sends its " +
			"commit index in farewell heartbeats as it steps down)"},
		{"keys-membership", 17121, "the same as 14115"},
		{"keys-membership", 18852, "both of the nemesis's member additions had an unknown outcome and " +
			"were committed, and neither node was started: with the leader removed, two live voters of four " +
			"(netsim's AddMember now looks for such a member in the membership and starts it, as the " +
			"membership script of learners-transfers did since seed 494)"},
		{"learners-transfers", 11679, "raft restored a snapshot from the leader while the follower's " +
			"batch, with committed entries handed out before, was in flight; the node then applied those " +
			"entries, the addition of a member since removed among them, to raft's configuration on top of " +
			"the snapshot's, and the member came back into it (the node's self-check). A conf change at or " +
			"below raft's snapshot index now changes only the node's state"},
		{"tree-crashes", 933, "a watcher whose stream broke at a crash of every member, having received " +
			"nothing, and that no member served again, was charged with every later event (Until 0 read as " +
			"'owed everything')"},
		{"history-window", 1258, "a watcher that no member ever served (no member was ready from 3 s to " +
			"the end) was charged with the liveness write"},
		{"bug-ack-before-durable", 4487, "the monitor took a leader's commit index for committed while the " +
			"leader's own copy of the entry was still being written: two followers and the leader's in-flight " +
			"copy made its quorum of five, the power failed before the fsync, and the next leader rightly " +
			"overwrote an entry nobody had acted on (the observers now take the commit index up to what the " +
			"node has made durable, netsim.Status.Committed)"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s/%d", tt.suite, tt.seed), func(t *testing.T) {
			s, err := suite.Lookup(tt.suite)
			require.NoError(t, err)
			if s.KnownBug {
				s = s.Correct()
			}
			sum, err := s.Run(tt.seed)
			require.NoError(t, err)
			assert.True(t, sum.Passed, "%s\n%s", tt.why, strings.Join(sum.Problems, "\n"))
		})
	}
}
