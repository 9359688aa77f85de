package netsim

import (
	"testing"

	"github.com/raftlab/raftlab/core/faultpoint"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// visitOnRestart is a fake process that visits a fault point in the first Ready of a restarted
// incarnation: during its boot, as a node that persists at start does.
type visitOnRestart struct {
	*fakeProcess
	faults  *faultpoint.Set
	pending bool
}

func (p *visitOnRestart) Ready() Output {
	if p.pending {
		p.pending = false
		p.faults.Visit(faultpoint.NodeAfterPersist)
	}
	return p.fakeProcess.Ready()
}

// TestAFaultPointCrashDuringARestartOfEveryNodeStillStartsTheOthers crashes every node, then
// restarts them all in one event (as the nemesis's "restart all" does) while the first to boot
// crashes at a fault point: only that node goes down again (and comes back after Down). The crash
// used to unwind the whole event and leave the nodes after it down for good.
func TestAFaultPointCrashDuringARestartOfEveryNodeStillStartsTheOthers(t *testing.T) {
	cfg := fakeConfig(4, 3)
	boots := map[uint64]int{}
	cfg.NewProcess = func(spec ProcessSpec) (Process, error) {
		p, err := newFakeProcess(spec)
		require.NoError(t, err)
		boots[spec.ID]++
		return &visitOnRestart{fakeProcess: p.(*fakeProcess), faults: spec.Faults, pending: boots[spec.ID] > 1}, nil
	}
	cfg.FaultPoints = FaultPoints{Armed: []ArmedPoint{{Point: faultpoint.NodeAfterPersist, Action: faultpoint.Crash, Max: 1}}}
	s := newFakeSim(t, cfg)
	s.After(1e9, func() {
		for _, id := range s.Nodes() {
			require.NoError(t, s.Crash(id))
		}
	})
	s.After(2e9, func() {
		for _, id := range s.Nodes() {
			_ = s.Restart(id)
		}
	})
	s.Run(6e9)
	fired := s.FaultPointsFired()
	require.Len(t, fired, 1)
	require.Equal(t, int64(2e9), fired[0].At, "the point fired during the restart of every node")
	for _, id := range s.Nodes() {
		info, err := s.Info(id)
		require.NoError(t, err)
		assert.True(t, info.Alive, "n%d is up", id)
	}
}
