package suite

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/raftlab/raftlab/checker/history"
	"github.com/raftlab/raftlab/nemesis"
	"github.com/raftlab/raftlab/netsim"
	"github.com/raftlab/raftlab/netsim/nodehost"
)

// TestLeaderClocksHoldEveryExpiryClock: in a run with TTL keys and skewed clocks, every expiry
// entry's clock reading is one a leader had on a tick, and a reading nobody had is reported.
func TestLeaderClocksHoldEveryExpiryClock(t *testing.T) {
	s := Suite{Name: "t", Nodes: 3, Duration: 6 * second, Settle: second, Clients: 2,
		Workload: fixed(netsim.TTLWorkload(2, int64(800*ms))),
		Faults:   generated(nemesis.Mix{Nodes: 3, Clocks: 2}, 6*second), Seeds: 1}
	sum, err := s.Run(3)
	require.NoError(t, err)
	require.True(t, sum.Passed, "%q", sum.Problems)
	syncs := 0
	for _, op := range sum.History {
		if op.Kind == history.KindSync {
			syncs++
		}
	}
	require.Positive(t, syncs, "the run expired keys")

	log := nodehost.NewClockLog()
	got := checkExpiryClocks([]history.Op{{Kind: history.KindSync, Clock: 42, Outcome: history.OutcomeOK}}, log)
	assert.Len(t, got, 1)
	assert.Contains(t, got[0], "carries the clock reading 42, which no leader had")
}
