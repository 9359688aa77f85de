package suite

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestOptionsAreDrawnFromTheSeedAndCoverEveryCombination(t *testing.T) {
	assert.Equal(t, DrawOptions(7), DrawOptions(7))
	seen := map[string]bool{}
	for seed := uint64(1); seed <= 200; seed++ {
		o := DrawOptions(seed)
		require.Less(t, o.HeartbeatTicks, o.ElectionTicks, "seed %d", seed)
		require.LessOrEqual(t, o.SnapshotCatchUpEntries, max(o.SnapshotCount, 5000), "seed %d", seed)
		seen[strings.Split(o.String(), ", ")[0]] = true
		seen[strings.Split(o.String(), ", ")[1]] = true
		if o.SnapshotCount > 0 && o.SnapshotCount < 100 {
			seen["small snapshots"] = true
		}
		if o.SnapshotCount == 0 {
			seen["default snapshots"] = true
		}
		if o.MaxSizePerMsg == 1 && o.MaxInflightMsgs == 1 {
			seen["one entry at a time"] = true
		}
		if o.TornWrites {
			seen["torn writes"] = true
		}
	}
	for _, want := range []string{"pre-vote on", "pre-vote off", "check-quorum on", "check-quorum off", "small snapshots",
		"default snapshots", "one entry at a time", "torn writes"} {
		assert.True(t, seen[want], want)
	}
}

func TestASwarmSuiteRunsAndReportsItsSeedsOptions(t *testing.T) {
	s, err := Lookup("keys-crashes")
	require.NoError(t, err)
	require.True(t, s.Swarm)
	sum, err := s.Run(2)
	require.NoError(t, err)
	assert.Equal(t, DrawOptions(2).String(), sum.Options)
	assert.True(t, strings.HasPrefix(sum.Faults, "at 0s: options: pre-vote "), sum.Faults)
	applied := DrawOptions(2).apply(s)
	assert.Equal(t, !DrawOptions(2).PreVote, applied.Node.DisablePreVote)
	assert.Equal(t, DrawOptions(2).DiskLatency, applied.DiskLatency)

	bug, err := Lookup("bug-local-quorum-reads")
	require.NoError(t, err)
	assert.False(t, bug.Swarm, "known-bug suites keep the options their bug needs")
}
