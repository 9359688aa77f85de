package nodehost

import (
	"testing"

	"github.com/raftlab/raftlab/netsim"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A watch that reaches a paused node is held with its other inputs; when the node crashes before
// it resumes, the watcher's connection is lost with it and the watcher connects again elsewhere
// (it used to wait forever, and missed every event: watches-partitions-crashes seed 1584).
func TestWatchHeldByANodeThatCrashesConnectsAgain(t *testing.T) {
	s, _ := newCluster(t, netsim.Config{Seed: 5, Nodes: 3,
		Clients: netsim.ClientConfig{Count: 2, Workload: netsim.KeysWorkload(4)}}, Options{})
	s.RunFor(2 * second)
	for _, id := range s.Nodes() {
		require.NoError(t, s.Pause(id))
	}
	pos, err := s.Watch(netsim.WatchSpec{Key: "/keys", Recursive: true, FromIndex: 1})
	require.NoError(t, err)
	s.RunFor(200 * ms)
	for _, id := range s.Nodes() {
		require.NoError(t, s.Crash(id))
		require.NoError(t, s.Restart(id))
	}
	s.RunFor(3 * second)
	rec := s.WatchRecords()[pos]
	assert.NotEmpty(t, rec.Events, "the watcher connected again after the crash")
}
