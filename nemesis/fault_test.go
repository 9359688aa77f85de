package nemesis

import (
	"syscall"
	"testing"
	"time"

	"github.com/raftlab/raftlab/netsim"
	"github.com/stretchr/testify/require"
)

func TestParseStringRoundTrip(t *testing.T) {
	texts := []string{
		"partition {n1,n2} {n3,n4,n5}",
		"partition {n1} {n2,n3}",
		"partition random-halves",
		"isolate leader",
		"isolate n3",
		"bridge",
		"cut n1->n2",
		"heal",
		"crash n3",
		"crash random",
		"crash all",
		"kill leader",
		"restart n3",
		"restart all",
		"pause n2",
		"resume n2",
		"resume all",
		"delay 50ms..200ms",
		"delay 0s..1.5s",
		"loss 10%",
		"loss 0%",
		"duplicate 5%",
		"reorder 20%",
		"reorder 12.5%",
		"net reset",
		"disk fail-sync n1",
		"disk full n1",
		"disk ok all",
		"clock-skew n2 +300ms",
		"clock-skew follower -1.2s",
		"clock-drift n2 +1000ppm",
		"clock-drift n2 -50ppm",
		"member add n6",
		"member remove n2",
	}
	for _, text := range texts {
		t.Run(text, func(t *testing.T) {
			f, err := Parse(text)
			require.NoError(t, err)
			require.Equal(t, text, f.String())
			again, err := Parse(f.String())
			require.NoError(t, err)
			require.Equal(t, f, again)
		})
	}
}

func TestParseNormalisesSpacing(t *testing.T) {
	f, err := Parse("  partition   {n1,n2}   {n3} ")
	require.NoError(t, err)
	require.Equal(t, "partition {n1,n2} {n3}", f.String())
}

func TestParseRejectsBadInput(t *testing.T) {
	bad := []string{
		"",
		"explode n1",
		"partition",
		"partition {n1,n2",
		"partition {n1,n2} {n2,n3}",
		"partition {leader} {n2}",
		"partition {n1,,n2}",
		"crash",
		"kill all",
		"crash N1",
		"pause n1 n2",
		"heal now",
		"cut n1-n2",
		"cut n1->n1",
		"delay 200ms..50ms",
		"delay 50ms",
		"delay x..y",
		"loss 10",
		"loss 150%",
		"loss -1%",
		"reorder abc%",
		"net",
		"disk melt n1",
		"disk full all",
		"clock-skew n2 300ms",
		"clock-skew n2 +3 parsecs",
		"clock-drift n2 +10",
		"clock-drift n2 -1000000ppm",
		"member add leader",
		"member join n6",
		"isolate all",
	}
	for _, text := range bad {
		t.Run(text, func(t *testing.T) {
			f, err := Parse(text)
			require.Error(t, err)
			require.Nil(t, f)
		})
	}
}

func TestPartitionIsolateCutAndHealAct(t *testing.T) {
	s := newPingSim(t, 1, 5)
	apply := func(text string) {
		f, err := Parse(text)
		require.NoError(t, err)
		require.NoError(t, f.Apply(Sim(s)))
	}
	apply("partition {n1,n2} {n3,n4,n5}")
	require.True(t, s.Net().IsCut(netsim.Link{From: 1, To: 3}))
	require.True(t, s.Net().IsCut(netsim.Link{From: 5, To: 2}))
	require.False(t, s.Net().IsCut(netsim.Link{From: 1, To: 2}))
	require.False(t, s.Net().IsCut(netsim.Link{From: 3, To: 5}))
	apply("heal")
	require.Empty(t, s.Net().CutLinks())

	apply("isolate leader")
	require.Len(t, s.Net().CutLinks(), 8, "n1 leads in the fake; 4 peers × 2 directions")
	require.True(t, s.Net().IsCut(netsim.Link{From: 1, To: 4}))
	apply("heal")

	apply("cut n2->n3")
	require.Equal(t, []netsim.Link{{From: 2, To: 3}}, s.Net().CutLinks())
	apply("heal")

	apply("partition random-halves")
	require.Len(t, s.Net().CutLinks(), 2*2*3, "a 2/3 split cuts 12 directed links")
	apply("heal")

	apply("bridge")
	// 5 nodes: 2 on the left, 1 bridge, 2 on the right: 2×2×2 directed links cut; the bridge keeps all.
	cut := s.Net().CutLinks()
	require.Len(t, cut, 8)
	touched := map[uint64]int{}
	for _, l := range cut {
		touched[l.From]++
	}
	require.Len(t, touched, 4, "exactly one node keeps every link")

	f, err := Parse("partition {n1} {n9}")
	require.NoError(t, err)
	require.Error(t, f.Apply(Sim(s)), "unknown node")
}

func TestNodeFaultsAct(t *testing.T) {
	s := newPingSim(t, 1, 3)
	s.Run(100e6)
	apply := func(text string) error {
		f, err := Parse(text)
		require.NoError(t, err)
		return f.Apply(Sim(s))
	}
	info := func(id uint64) netsim.NodeInfo {
		i, err := s.Info(id)
		require.NoError(t, err)
		return i
	}
	require.NoError(t, apply("kill leader"))
	require.False(t, info(1).Alive)
	require.ErrorIs(t, apply("isolate leader"), ErrNoLeader)
	require.NoError(t, apply("crash n2"))
	require.Error(t, apply("crash n2"), "already down")
	require.NoError(t, apply("restart all"))
	require.True(t, info(1).Alive)
	require.True(t, info(2).Alive)

	require.NoError(t, apply("pause n3"))
	require.NoError(t, apply("pause n2"))
	require.True(t, info(3).Paused)
	require.NoError(t, apply("resume all"))
	require.False(t, info(2).Paused)
	require.False(t, info(3).Paused)

	require.NoError(t, apply("clock-skew n2 +300ms"))
	require.Equal(t, int64(300*time.Millisecond), info(2).ClockOffset)
	require.NoError(t, apply("clock-drift n2 +1000ppm"))
	require.Equal(t, int64(1000), info(2).DriftPPM)
	require.NoError(t, apply("clock-skew n2 -300ms"))
	require.Equal(t, int64(1000), info(2).DriftPPM, "a step keeps the drift")

	require.NoError(t, apply("crash all"))
	for _, id := range s.Nodes() {
		require.False(t, info(id).Alive)
	}
	require.NoError(t, apply("restart all"))
	require.NoError(t, apply("crash follower"))
	require.True(t, info(1).Alive, "the leader is no follower")
}

func TestLinkFaultsSetEveryLink(t *testing.T) {
	s := newPingSim(t, 1, 3)
	initial := s.Net().Defaults()
	for _, text := range []string{"delay 50ms..200ms", "loss 10%", "duplicate 5%", "reorder 20%"} {
		f, err := Parse(text)
		require.NoError(t, err)
		require.NoError(t, f.Apply(Sim(s)))
	}
	c := s.Net().Defaults()
	require.Equal(t, netsim.Latency{Min: 50e6, Spread: 150e6}, c.Latency)
	require.InDelta(t, 0.10, c.Loss, 1e-12)
	require.InDelta(t, 0.05, c.Duplicate, 1e-12)
	require.InDelta(t, 0.20, c.Reorder, 1e-12)
	require.Positive(t, c.ReorderDelay)
	s.Run(5e9)
	st := s.Net().Stats()
	require.Positive(t, st.Lost)
	require.Positive(t, st.Duplicated)
	require.Positive(t, st.Reordered)

	require.NoError(t, NetReset{}.Apply(Sim(s)))
	require.Equal(t, initial, s.Net().Defaults())
}

func TestDiskFaultsReachTheDisk(t *testing.T) {
	s := newPingSim(t, 1, 2)
	disk := func(id uint64) *faultyDisk {
		d, err := s.Disk(id)
		require.NoError(t, err)
		return d.(*faultyDisk)
	}
	for _, text := range []string{"disk fail-sync n1", "disk full n2"} {
		f, err := Parse(text)
		require.NoError(t, err)
		require.NoError(t, f.Apply(Sim(s)))
	}
	require.ErrorIs(t, disk(1).failSync, syscall.EIO)
	require.Zero(t, disk(2).capacity)
	require.NoError(t, DiskFault{Kind: DiskOK, Node: RefAll}.Apply(Sim(s)))
	require.NoError(t, disk(1).failSync)
	require.Equal(t, int64(-1), disk(2).capacity)
}

func TestRestartAllRestartsNodesStoppedByStorageFailures(t *testing.T) {
	s := newPingSim(t, 1, 3)
	s.Run(50e6)
	ping(s, 2).failed = syscall.EIO
	require.NoError(t, s.Crash(3))
	require.NoError(t, Restart{Node: RefAll}.Apply(Sim(s)))
	for _, id := range []uint64{2, 3} {
		info, err := s.Info(id)
		require.NoError(t, err)
		require.True(t, info.Alive)
		require.Equal(t, 1, info.Restarts)
		require.NoError(t, info.Status.Failed)
	}
	info, err := s.Info(1)
	require.NoError(t, err)
	require.Zero(t, info.Restarts, "a healthy node is left alone")
}
