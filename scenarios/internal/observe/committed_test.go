package observe

import (
	"testing"

	"github.com/raftlab/raftlab/checker"
	"github.com/raftlab/raftlab/netsim"
	"github.com/raftlab/raftlab/netsim/nodehost"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCommittedFollowsTheStoreAcrossCrashes(t *testing.T) {
	rec := NewCommitted()
	mon := checker.NewMonitor()
	cfg := netsim.Config{Seed: 3, Nodes: 3,
		Clients:   netsim.ClientConfig{Count: 3, Workload: netsim.KeysWorkload(3)},
		Watches:   []netsim.WatchSpec{{Key: "/keys", Recursive: true}},
		Observers: []netsim.Observer{rec, MonitorObserver{M: mon}}}
	sim, err := netsim.New(nodehost.Configure(cfg, nodehost.Options{}))
	require.NoError(t, err)
	rec.Attach(sim)
	sim.Run(3e9)
	first := rec.source
	require.NotZero(t, first, "the recorder follows a node once entries apply")
	before := len(rec.Events())
	require.Positive(t, before)
	require.NoError(t, sim.Crash(first))
	sim.Run(6e9)
	require.NoError(t, sim.Restart(first))
	sim.Run(9e9)

	events := rec.Events()
	require.NoError(t, rec.Err())
	assert.Greater(t, len(events), before, "recording goes on after the followed node crashed")
	assert.NotEqual(t, first, rec.source)
	for i := 1; i < len(events); i++ {
		require.Less(t, events[i-1].Index, events[i].Index, "events are in index order without repeats")
	}
	assert.Empty(t, checker.CheckWatches(sim.WatchRecords(), events), "a watcher saw exactly what was committed")
	assert.Empty(t, mon.Violations())
}

// TestCommittedRecordsHiddenKeys: live recursive delivery skips keys with a segment starting with
// "_", but they are committed like any other, and watchers that replay history get them.
func TestCommittedRecordsHiddenKeys(t *testing.T) {
	rec := NewCommitted()
	w := netsim.Workload{Name: "hidden", Keys: []string{"/h/_x", "/h/y"}, Mix: []netsim.KindWeight{{Kind: netsim.ReqSet, Weight: 1}}}
	cfg := netsim.Config{Seed: 5, Nodes: 3, Clients: netsim.ClientConfig{Count: 2, Workload: w}, Observers: []netsim.Observer{rec}}
	sim, err := netsim.New(nodehost.Configure(cfg, nodehost.Options{}))
	require.NoError(t, err)
	rec.Attach(sim)
	sim.Run(3e9)
	hidden := 0
	for _, ev := range rec.Events() {
		if ev.Key == "/h/_x" {
			hidden++
		}
	}
	require.NoError(t, rec.Err())
	assert.Positive(t, hidden, "writes of the hidden key are recorded")
}

// TestCommittedCatchesUpFromTheMostAdvancedNode: when the followed node lags at the end (it was cut
// off), the record still holds what the others committed.
func TestCommittedCatchesUpFromTheMostAdvancedNode(t *testing.T) {
	rec := NewCommitted()
	cfg := netsim.Config{Seed: 7, Nodes: 3, Clients: netsim.ClientConfig{Count: 2, Workload: netsim.KeysWorkload(2)},
		Observers: []netsim.Observer{rec}}
	sim, err := netsim.New(nodehost.Configure(cfg, nodehost.Options{}))
	require.NoError(t, err)
	rec.Attach(sim)
	sim.Run(2e9)
	followed := rec.source
	require.NotZero(t, followed)
	sim.Net().Isolate(followed)
	sim.Run(5e9)
	events := rec.Events()
	require.NoError(t, rec.Err())
	var most uint64
	for _, id := range sim.Nodes() {
		if st := nodehost.Store(sim, id); st != nil {
			most = max(most, st.Index())
		}
	}
	var last uint64
	for _, ev := range events {
		last = ev.Index
	}
	assert.Greater(t, most, uint64(0))
	assert.GreaterOrEqual(t, last+3, most, "the record reaches (about) the most advanced store")
}
