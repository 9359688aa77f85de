package nodehost

import (
	"testing"

	"github.com/raftlab/raftlab/core/faultpoint"
	"github.com/raftlab/raftlab/core/raft"
	"github.com/raftlab/raftlab/netsim"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// runWithPoints runs a 3-node cluster under client load for 4 virtual seconds with points armed.
func runWithPoints(t *testing.T, seed uint64, armed ...netsim.ArmedPoint) *netsim.Sim {
	t.Helper()
	s, mon := newCluster(t, netsim.Config{Seed: seed, Nodes: 3,
		Clients:     netsim.ClientConfig{Count: 3, Workload: netsim.KeysWorkload(3)},
		FaultPoints: netsim.FaultPoints{Armed: armed, From: 500 * ms}}, Options{SnapshotCount: 20, SnapshotCatchUpEntries: 5})
	s.Run(4 * second)
	require.Empty(t, mon.Violations())
	require.Empty(t, s.Failures())
	requireLinearizable(t, s.History())
	return s
}

func TestAFaultPointCrashesItsNodeWhichRestarts(t *testing.T) {
	s := runWithPoints(t, 1, netsim.ArmedPoint{Point: faultpoint.WALBeforeSync, Action: faultpoint.Crash, OneIn: 10, Max: 2})
	fired := s.FaultPointsFired()
	require.Len(t, fired, 2)
	assert.Equal(t, faultpoint.Crash, fired[0].Action)
	assert.Greater(t, s.FaultPointHits()[faultpoint.WALBeforeSync], 10)
	restarts := 0
	for _, id := range s.Nodes() {
		info, err := s.Info(id)
		require.NoError(t, err)
		assert.True(t, info.Alive, "n%d came back", id)
		restarts += info.Restarts
	}
	assert.Equal(t, 2, restarts)
}

func TestAFailingFaultPointStopsItsNodeUntilAnOperatorRestartsIt(t *testing.T) {
	s := runWithPoints(t, 2, netsim.ArmedPoint{Point: faultpoint.WALSnapshotBeforeMarker, Action: faultpoint.Fail, Max: 1})
	fired := s.FaultPointsFired()
	require.Len(t, fired, 1)
	info, err := s.Info(fired[0].Node)
	require.NoError(t, err)
	assert.True(t, info.Alive)
	assert.NoError(t, info.Status.Failed, "restarted healthy")
	assert.Equal(t, 1, info.Restarts)
}

func TestADelayPointHoldsItsNodeAndReleasesIt(t *testing.T) {
	s := runWithPoints(t, 3, netsim.ArmedPoint{Point: faultpoint.NodeBeforeReply, Action: faultpoint.Delay, OneIn: 5, Max: 3})
	require.Len(t, s.FaultPointsFired(), 3)
	for _, id := range s.Nodes() {
		info, err := s.Info(id)
		require.NoError(t, err)
		assert.False(t, info.Paused, "n%d released", id)
		assert.Zero(t, info.Restarts)
	}
}

func TestEveryNodePointIsReachedAndFaultPointsAreDeterministic(t *testing.T) {
	var armed []netsim.ArmedPoint
	for _, p := range faultpoint.All() {
		armed = append(armed, netsim.ArmedPoint{Point: p, Action: faultpoint.Crash, OneIn: 1000000})
	}
	a := runWithPoints(t, 4, armed...)
	b := runWithPoints(t, 4, armed...)
	assert.Equal(t, a.TraceHash(), b.TraceHash())
	assert.Equal(t, a.FaultPointHits(), b.FaultPointHits())
	hits := a.FaultPointHits()
	for _, p := range []faultpoint.Point{faultpoint.WALBeforeSync, faultpoint.WALSegmentBeforeRename, faultpoint.WALSegmentBeforeDirSync,
		faultpoint.WALSnapshotBeforeRename, faultpoint.WALSnapshotBeforeDirSync, faultpoint.WALSnapshotBeforeMarker,
		faultpoint.WALBeforeRelease, faultpoint.NodeAfterPersist, faultpoint.NodeBeforeReply, faultpoint.NodeAfterSnapshot} {
		assert.Positive(t, hits[p], "%s reached", p)
	}
}

// An operator who looks before the injected error stopped the node (it is reported when the batch
// completes, a disk latency later) looks again and restarts it (keys-membership seed 1346 of 2,000
// left the member stopped at the end).
func TestAnOperatorLooksAgainUntilTheFailureStopsTheNode(t *testing.T) {
	s, mon := newCluster(t, netsim.Config{Seed: 2, Nodes: 3, DiskLatency: netsim.Latency{Min: 20 * ms},
		Clients: netsim.ClientConfig{Count: 3, Workload: netsim.KeysWorkload(3)},
		FaultPoints: netsim.FaultPoints{From: 500 * ms, Down: netsim.Latency{Min: 1},
			Armed: []netsim.ArmedPoint{{Point: faultpoint.WALSnapshotBeforeMarker, Action: faultpoint.Fail, Max: 1}}}},
		Options{SnapshotCount: 20, SnapshotCatchUpEntries: 5})
	s.Run(4 * second)
	require.Empty(t, mon.Violations())
	fired := s.FaultPointsFired()
	require.Len(t, fired, 1)
	info, err := s.Info(fired[0].Node)
	require.NoError(t, err)
	assert.NoError(t, info.Status.Failed, "restarted healthy")
	assert.Equal(t, 1, info.Restarts)
}

// logSampler records which nodes' logs the observers were handed, and when.
type logSampler struct {
	netsim.NopObserver
	at map[uint64][]int64
}

func (l *logSampler) OnLog(node uint64, _ []raft.Entry, _ uint64, at int64) {
	l.at[node] = append(l.at[node], at)
}

// A node stopped by a storage error is not sampled: its commit index may count an entry its own
// fsync never made durable (learners-transfers seed 1443 of 2,000: a leader whose first fsync
// failed was taken to have committed an entry that only one other member held).
func TestAFailedNodesLogIsNotSampled(t *testing.T) {
	logs := &logSampler{at: map[uint64][]int64{}}
	s, _ := newCluster(t, netsim.Config{Seed: 2, Nodes: 3, Observers: []netsim.Observer{logs},
		Clients: netsim.ClientConfig{Count: 3, Workload: netsim.KeysWorkload(3)},
		FaultPoints: netsim.FaultPoints{From: 500 * ms, Down: netsim.Latency{Min: 10 * second},
			Armed: []netsim.ArmedPoint{{Point: faultpoint.WALBeforeSync, Action: faultpoint.Fail, Max: 1}}}}, Options{})
	s.Run(8 * second)
	fired := s.FaultPointsFired()
	require.Len(t, fired, 1)
	failed := fired[0].Node
	info, err := s.Info(failed)
	require.NoError(t, err)
	require.Error(t, info.Status.Failed, "still stopped")
	require.NotEmpty(t, logs.at[failed])
	assert.Less(t, logs.at[failed][len(logs.at[failed])-1], fired[0].At+int64(second), "no sample once it failed")
	for id, at := range logs.at {
		if id != failed {
			assert.Greater(t, at[len(at)-1], 3*second, "n%d is sampled to the end", id)
		}
	}
}
