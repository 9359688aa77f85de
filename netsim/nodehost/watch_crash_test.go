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

// A watcher that no member served before the run ended (every member paused: none can open its
// stream) is owed nothing: its record says it never opened one, so the checker does not count every
// committed event as missed (history-window seed 1258: no member was ready to serve from 3 s to the
// end, and the root watcher was charged with the liveness write).
func TestWatcherNeverServedIsOwedNothing(t *testing.T) {
	s, _ := newCluster(t, netsim.Config{Seed: 5, Nodes: 3,
		Clients: netsim.ClientConfig{Count: 2, Workload: netsim.KeysWorkload(4)}}, Options{})
	s.RunFor(2 * second)
	opened, err := s.Watch(netsim.WatchSpec{Key: "/keys", Recursive: true, FromIndex: 1})
	require.NoError(t, err)
	s.RunFor(200 * ms)
	for _, id := range s.Nodes() {
		require.NoError(t, s.Pause(id))
	}
	never, err := s.Watch(netsim.WatchSpec{Key: "/keys", Recursive: true, FromIndex: 1})
	require.NoError(t, err)
	s.RunFor(500 * ms)
	recs := s.WatchRecords()
	assert.False(t, recs[opened].NeverOpened, "the first watcher had a stream")
	assert.NotEmpty(t, recs[opened].Events)
	assert.True(t, recs[never].NeverOpened, "no member served the second watcher")
	assert.Empty(t, recs[never].Events)
}
