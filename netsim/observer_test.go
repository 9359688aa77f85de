package netsim

import (
	"testing"

	"github.com/raftlab/raftlab/core/raft"
	"github.com/stretchr/testify/require"
)

// recordingObserver keeps every notification as a line.
type recordingObserver struct {
	roles, commits, applies, logs, crashes, restarts int
	applied                                          map[uint64][]uint64
}

func (o *recordingObserver) OnRole(node, term uint64, role raft.Role, at int64) { o.roles++ }
func (o *recordingObserver) OnCommit(node, commit uint64, at int64)             { o.commits++ }
func (o *recordingObserver) OnApply(node, index, term, hash uint64, at int64) {
	o.applies++
	o.applied[node] = append(o.applied[node], index)
}
func (o *recordingObserver) OnLog(node uint64, entries []raft.Entry, commit uint64, at int64) {
	o.logs++
}
func (o *recordingObserver) OnCrash(node uint64, at int64)   { o.crashes++ }
func (o *recordingObserver) OnRestart(node uint64, at int64) { o.restarts++ }

func TestObserversHearRolesCommitsAppliesLogsCrashesAndRestarts(t *testing.T) {
	obs := &recordingObserver{applied: map[uint64][]uint64{}}
	cfg := fakeConfig(1, 3)
	cfg.Observers = []Observer{obs, NopObserver{}}
	cfg.LogInterval = 500 * ms
	s := newFakeSim(t, cfg)
	for i := range 3 {
		c, err := s.Do(Request{Kind: ReqSet, Key: "k", Value: string(rune('a' + i))}, DoOptions{Target: 2})
		require.NoError(t, err)
		require.True(t, s.RunUntil(c.Done, s.Now()+1e9))
	}
	require.Equal(t, []uint64{1, 2, 3}, obs.applied[2], "each applied entry once, in order")
	require.Equal(t, 3, obs.roles, "every node's first role")
	require.Equal(t, 3, obs.commits)
	require.NoError(t, s.Crash(2))
	require.NoError(t, s.Restart(2))
	require.Equal(t, 1, obs.crashes)
	require.Equal(t, 1, obs.restarts)
	s.Run(2e9)
	require.GreaterOrEqual(t, obs.logs, 3*3, "every node's log every 500ms, plus the leader's when it leads")
	require.Equal(t, []uint64{1, 2, 3, 1, 2, 3}, obs.applied[2], "the restarted node re-applies what it recovered")
}

func TestSamplesCoverEveryNodeEveryInterval(t *testing.T) {
	cfg := fakeConfig(1, 3)
	cfg.SampleInterval = 250 * ms
	s := newFakeSim(t, cfg)
	require.NoError(t, s.Pause(3))
	s.Run(1e9)
	samples := s.Samples()
	require.Len(t, samples, 5*3, "t=0, 250, 500, 750, 1000ms")
	for i, sm := range samples {
		require.Equal(t, int64(i/3)*250*ms, sm.At)
		require.Equal(t, uint64(i%3+1), sm.Node)
		require.True(t, sm.Alive)
		require.Equal(t, sm.Node == 3, sm.Paused)
		require.Equal(t, uint64(1), sm.Term)
	}
	require.Equal(t, raft.RoleLeader, samples[0].Role)

	cfg.SampleInterval = -1
	quiet := newFakeSim(t, cfg)
	quiet.Run(1e9)
	require.Empty(t, quiet.Samples())
}
