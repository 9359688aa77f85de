package observe

import (
	"testing"

	"github.com/raftlab/raftlab/checker"
	"github.com/raftlab/raftlab/netsim"
	"github.com/raftlab/raftlab/netsim/realnode"
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
	sim, err := netsim.New(realnode.Configure(cfg, realnode.Options{}))
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
