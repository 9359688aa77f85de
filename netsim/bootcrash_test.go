package netsim

import (
	"testing"

	"github.com/raftlab/raftlab/core/faultpoint"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestAFaultPointCrashDuringARestartOfEveryNodeStillStartsTheOthers crashes every node, then
// restarts them all in one event (as the nemesis's "restart all" does) while the first to boot
// crashes at a fault point inside its boot: only that node goes down again (and comes back after
// Down); the crash used to unwind the whole event and leave the nodes after it down for good
// (torn-writes seed 711 with a crash pinned at wal/before-sync). The fake process visits the point
// in its first step after a restart (the host's "start" input, inside the restart's event), as a real
// node whose first batch after recovery reaches node/after-persist at once does.
func TestAFaultPointCrashDuringARestartOfEveryNodeStillStartsTheOthers(t *testing.T) {
	cfg := fakeConfig(4, 3)
	cfg.FaultPoints = FaultPoints{From: 1500 * ms,
		Armed: []ArmedPoint{{Point: faultpoint.NodeAfterPersist, Action: faultpoint.Crash, Max: 1}}}
	boots := map[uint64]int{}
	cfg.NewProcess = func(spec ProcessSpec) (Process, error) {
		p, err := newFakeProcess(spec)
		if boots[spec.ID]++; boots[spec.ID] == 1 || err != nil {
			return p, err
		}
		return &visitsAtStart{fakeProcess: p.(*fakeProcess), faults: spec.Faults}, nil
	}
	s := newFakeSim(t, cfg)
	s.After(1000*ms, func() {
		for _, id := range s.Nodes() {
			require.NoError(t, s.Crash(id))
		}
	})
	s.After(2000*ms, func() {
		for _, id := range s.Nodes() {
			_ = s.Restart(id)
		}
	})
	s.Run(5000 * ms)
	fired := s.FaultPointsFired()
	require.Len(t, fired, 1, "the first node to boot crashed at the point")
	require.Equal(t, 2000*ms, fired[0].At, "during the restart of every node")
	for _, id := range s.Nodes() {
		info, err := s.Info(id)
		require.NoError(t, err)
		assert.True(t, info.Alive, "n%d is up", id)
	}
}

// visitsAtStart is a fake process that visits node/after-persist in its first Ready.
type visitsAtStart struct {
	*fakeProcess
	faults  *faultpoint.Set
	visited bool
}

func (v *visitsAtStart) Ready() Output {
	if !v.visited {
		v.visited = true
		v.faults.Visit(faultpoint.NodeAfterPersist)
	}
	return v.fakeProcess.Ready()
}

// TestArmFaultPointTargetsOneNodeFromNow: a point armed with Pass never fires; armed anew at run
// time on one node, it fires on that node alone (the fake processes visit it in their first step
// after a restart); a run that armed nothing refuses.
func TestArmFaultPointTargetsOneNodeFromNow(t *testing.T) {
	cfg := fakeConfig(4, 3)
	cfg.FaultPoints = FaultPoints{Armed: []ArmedPoint{{Point: faultpoint.NodeAfterPersist, Action: faultpoint.Pass}}}
	cfg.NewProcess = func(spec ProcessSpec) (Process, error) {
		p, err := newFakeProcess(spec)
		return &visitsAtStart{fakeProcess: p.(*fakeProcess), faults: spec.Faults}, err
	}
	s := newFakeSim(t, cfg)
	restartAll := func() {
		for _, id := range s.Nodes() {
			require.NoError(t, s.Crash(id))
			require.NoError(t, s.Restart(id))
		}
	}
	a := ArmedPoint{Point: faultpoint.NodeAfterPersist, Action: faultpoint.Crash, Max: 1, Node: 2}
	assert.Equal(t, "node/after-persist crash max 1 on n2", a.String())
	s.After(100*ms, restartAll)
	s.After(200*ms, func() { require.NoError(t, s.ArmFaultPoint(a)) })
	s.After(300*ms, restartAll)
	s.RunFor(150 * ms)
	assert.Empty(t, s.FaultPointsFired(), "armed with Pass: reached, never fired")
	assert.Equal(t, 3, s.FaultPointHits()[faultpoint.NodeAfterPersist], "every node reached it")
	s.RunFor(1000 * ms)
	fired := s.FaultPointsFired()
	require.Len(t, fired, 1)
	assert.Equal(t, uint64(2), fired[0].Node)
	assert.Equal(t, 300*ms, fired[0].At)

	none := newFakeSim(t, fakeConfig(4, 3))
	assert.ErrorContains(t, none.ArmFaultPoint(a), "the run armed no fault points")
}
