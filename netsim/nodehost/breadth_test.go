package nodehost

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/raftlab/raftlab/checker"
	"github.com/raftlab/raftlab/checker/history"
	"github.com/raftlab/raftlab/netsim"
)

// runWorkload runs w on a fault-free 3-node cluster for 4 virtual seconds and returns the history.
func runWorkload(t *testing.T, w netsim.Workload) []history.Op {
	t.Helper()
	cfg := netsim.Config{Seed: 11, Nodes: 3, Clients: netsim.ClientConfig{Count: 3, Workload: w, Interval: 20e6}}
	sim, err := netsim.New(Configure(cfg, Options{}))
	require.NoError(t, err)
	sim.Run(4e9)
	ops := sim.History()
	require.NotEmpty(t, ops)
	v := checker.Check(ops, checker.Options{})
	require.True(t, v.Linearizable, "%q", v.Problems)
	return ops
}

// TestAPIWorkloadUsesEveryPrecondition: compares on the index alone and on value and index, hidden
// keys and POSTs recorded as creates of the keys they made.
func TestAPIWorkloadUsesEveryPrecondition(t *testing.T) {
	var indexOnly, both, hidden, posts, postReads int
	for _, op := range runWorkload(t, netsim.APIWorkload(3)) {
		switch {
		case op.InOrder && op.Outcome == history.OutcomeOK:
			require.Equal(t, history.KindCreate, op.Kind)
			assert.True(t, strings.HasPrefix(op.Key, "/queue/"), "a POST is recorded as the create of its key: %s", op.Key)
			posts++
		case op.InOrder:
			assert.Equal(t, "/queue", op.Key, "a POST that did not succeed names its directory")
		case op.PrevIndex != 0 && op.PrevValue == "":
			indexOnly++
		case op.PrevIndex != 0:
			both++
		case strings.HasPrefix(op.Key, "/queue/") && op.Kind == history.KindQGet:
			postReads++
		}
		if strings.Contains(op.Key, "/_") {
			hidden++
		}
	}
	for name, n := range map[string]int{"prevIndex alone": indexOnly, "prevValue and prevIndex": both,
		"hidden keys": hidden, "POSTs": posts, "reads of POSTed keys": postReads} {
		assert.Positive(t, n, name)
	}
}

// TestTreeWorkloadReadsDirectories: directory operations are recorded with their flags, and reads of
// directories as listings.
func TestTreeWorkloadReadsDirectories(t *testing.T) {
	var mkdirs, rmdirs, recursive, listings int
	for _, op := range runWorkload(t, netsim.TreeWorkload()) {
		switch {
		case op.Kind == history.KindCreate && op.Dir:
			mkdirs++
		case op.Kind == history.KindDelete && op.Recursive:
			recursive++
		case op.Kind == history.KindDelete && op.Dir:
			rmdirs++
		case op.Kind.IsRead() && op.Dir:
			listings++
			assert.Zero(t, op.Index, "a directory's index is not recorded")
		}
	}
	for name, n := range map[string]int{"mkdir": mkdirs, "rmdir": rmdirs, "recursive delete": recursive, "listing": listings} {
		assert.Positive(t, n, name)
	}
}

// TestLearnerAddedAndPromoted: a learner joins through AddLearner, catches up and becomes a voter.
func TestLearnerAddedAndPromoted(t *testing.T) {
	cfg := netsim.Config{Seed: 2, Nodes: 3, Clients: netsim.ClientConfig{Count: 2, Workload: netsim.KeysWorkload(2)}}
	sim, err := netsim.New(Configure(cfg, Options{}))
	require.NoError(t, err)
	sim.Run(1e9)
	id, add, err := sim.AddLearner("n4")
	require.NoError(t, err)
	sim.RunUntil(add.Done, 5e9)
	require.Equal(t, history.OutcomeOK, add.Op().Outcome)
	sim.Run(sim.Now() + 2e9)
	lead, _ := sim.Leader()
	require.NotZero(t, lead)
	assert.Contains(t, Node(sim, lead).Status().Learners, id)
	promote, err := sim.PromoteMember(id)
	require.NoError(t, err)
	sim.RunUntil(promote.Done, sim.Now()+5e9)
	require.Equal(t, history.OutcomeOK, promote.Op().Outcome, "%v", promote.Reply().Err)
	sim.Run(sim.Now() + 1e9)
	lead, _ = sim.Leader()
	assert.NotContains(t, Node(sim, lead).Status().Learners, id)
	assert.Empty(t, sim.Failures())
}

// TestPendingOperationsAreUnknown: operations still in progress when the history is read are given
// as unknown outcomes returning now, so that a write that took effect is never unaccounted for.
func TestPendingOperationsAreUnknown(t *testing.T) {
	cfg := netsim.Config{Seed: 4, Nodes: 3, Clients: netsim.ClientConfig{Count: 4, Workload: netsim.KeysWorkload(2)}}
	sim, err := netsim.New(Configure(cfg, Options{}))
	require.NoError(t, err)
	sim.Run(2e9)
	sim.Net().Isolate(1)
	sim.Net().Isolate(2)
	sim.Net().Isolate(3)
	sim.Run(2.5e9) // no quorum: writes wait
	pending := sim.Pending()
	require.NotEmpty(t, pending)
	for _, op := range pending {
		assert.Equal(t, history.OutcomeUnknown, op.Outcome)
		assert.Equal(t, sim.Now(), op.Return)
		assert.NotEmpty(t, op.Key)
	}
}
