package nodehost

import (
	"testing"
	"time"

	"github.com/raftlab/raftlab/checker"
	"github.com/raftlab/raftlab/checker/history"
	"github.com/raftlab/raftlab/nemesis"
	"github.com/raftlab/raftlab/netsim"
	"github.com/stretchr/testify/require"
)

// chaosRun runs a 5-node cluster with 10 clients under a generated fault schedule.
func chaosRun(t testing.TB, seed uint64, d int64, mix nemesis.Mix, w netsim.Workload, monitor bool) (*netsim.Sim, *checker.Monitor, []string) {
	cfg := netsim.Config{Seed: seed, Nodes: 5,
		Link:    netsim.LinkConfig{Latency: netsim.Latency{Min: ms, Spread: 4 * ms, Dist: netsim.DistExponential}},
		Clients: netsim.ClientConfig{Count: 10, Workload: w, Interval: 100 * ms}}
	var s *netsim.Sim
	var mon *checker.Monitor
	if monitor {
		s, mon = newCluster(t, cfg, Options{})
	} else {
		var err error
		s, err = netsim.New(Configure(cfg, Options{}))
		require.NoError(t, err)
	}
	var faultErrs []string
	nemesis.Schedule(s, nemesis.Generate(seed, mix, d), func(sf nemesis.Scheduled, err error) {
		faultErrs = append(faultErrs, sf.String()+": "+err.Error())
	})
	s.Run(d)
	return s, mon, faultErrs
}

func TestChaosSeedsStaySafeAndRecover(t *testing.T) {
	const d = 30 * second
	for seed := uint64(1); seed <= 3; seed++ {
		// Many keys keep porcupine's search small (a single register with dozens of unknown
		// outcomes can take it beyond any sane timeout).
		s, mon, _ := chaosRun(t, seed, d, nemesis.DefaultMix(), netsim.KeysWorkload(10), true)
		require.Empty(t, s.Failures(), "seed %d", seed)
		require.Empty(t, mon.Violations(), "seed %d", seed)
		v := checker.Check(s.History(), checker.Options{Timeout: 5 * time.Second})
		require.True(t, v.Linearizable, "seed %d: %v", seed, v.Problems)
		require.False(t, v.TimedOut, "seed %d", seed)

		// Liveness: after the final repair and the quiet period the cluster serves a quorum write.
		call, err := s.Do(netsim.Request{Kind: netsim.ReqSet, Key: "/liveness", Value: "ok"}, netsim.DoOptions{})
		require.NoError(t, err)
		require.True(t, s.RunUntil(call.Done, s.Now()+10*second), "seed %d", seed)
		require.Equal(t, history.OutcomeOK, call.Op().Outcome, "seed %d: %v", seed, call.Reply().Err)
	}
}

// BenchmarkSimulatedCluster measures simulation speed: 5 real nodes, 10 clients each issuing an
// operation every 100ms of virtual time on average, random partitions and crashes, history recorded
// (no invariant monitor attached: that cost belongs to the checker).
func BenchmarkSimulatedCluster(b *testing.B) {
	const d = 20 * second
	mix := nemesis.Mix{Nodes: 5, Partitions: 2, Crashes: 1}
	var virtual int64
	var ops, lines int
	start := time.Now()
	for i := 0; b.Loop(); i++ {
		s, _, _ := chaosRun(b, uint64(i+1), d, mix, netsim.KeysWorkload(10), false)
		virtual += d
		ops += len(s.History())
		lines += int(s.TraceLines())
	}
	wall := time.Since(start).Seconds()
	b.ReportMetric(float64(virtual)/1e9/wall, "virtual-s/wall-s")
	b.ReportMetric(float64(ops)/wall, "client-ops/wall-s")
	b.ReportMetric(float64(lines)/wall, "events/wall-s")
}

func TestChaosRunIsDeterministic(t *testing.T) {
	cfg := Configure(netsim.Config{Seed: 21, Nodes: 5,
		Link:        netsim.LinkConfig{Latency: netsim.Latency{Min: ms, Spread: 4 * ms}, Loss: 0.01, Duplicate: 0.01, Reorder: 0.05, ReorderDelay: 20 * ms},
		Clients:     netsim.ClientConfig{Count: 5, Workload: netsim.KeysWorkload(5), Random: true},
		Watches:     []netsim.WatchSpec{{Key: "/keys", Recursive: true}},
		DiskLatency: netsim.Latency{Min: ms, Spread: 5 * ms}}, Options{TornWrites: true})
	mix := nemesis.DefaultMix()
	mix.Members = 1
	err := netsim.CheckDeterminism(cfg, func(s *netsim.Sim) {
		nemesis.Schedule(s, nemesis.Generate(21, mix, 20*second), nil)
		s.Run(20 * second)
	})
	require.NoError(t, err)
}
