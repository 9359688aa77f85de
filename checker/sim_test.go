package checker

import (
	"math"
	"testing"
	"time"

	"github.com/anishathalye/porcupine"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/raftlab/raftlab/checker/history"
	"github.com/raftlab/raftlab/nemesis"
	"github.com/raftlab/raftlab/netsim"
	"github.com/raftlab/raftlab/netsim/nodehost"
)

// simDuration is the virtual length of a simulated chaos run: one minute.
const simDuration = 60e9

// simHistory runs the real simulator (nodes real Raft nodes; the register workload with clients
// clients thinking interval ns on average, stopping at 45 s; DefaultMix faults drawn from seed) for one
// virtual minute and returns the recorded history: the few-key, many-unknowns histories that made
// porcupine give up.
func simHistory(t testing.TB, seed uint64, nodes, clients int, interval int64) []history.Op {
	t.Helper()
	cfg := netsim.Config{
		Seed:  seed,
		Nodes: nodes,
		Clients: netsim.ClientConfig{Count: clients, Workload: netsim.RegisterWorkload(), Random: true,
			Interval: interval, Stop: simDuration * 3 / 4},
	}
	sim, err := netsim.New(nodehost.Configure(cfg, nodehost.Options{}))
	require.NoError(t, err)
	mix := nemesis.DefaultMix()
	mix.Nodes = nodes
	nemesis.Schedule(sim, nemesis.Generate(seed, mix, simDuration), nil)
	sim.Run(simDuration)
	return sim.History()
}

// BenchmarkCheckChaosRegister checks 20 real three-node chaos histories, made the way the chaos
// suites make few-key runs (register workload, 3 clients, 250 ms think time), each with a 5 s search
// budget. It reports the share of runs where the search gave up, and how many unknown writes per run
// stay pending to the end before and after reduceKey.
func BenchmarkCheckChaosRegister(b *testing.B) {
	const runs = 20
	histories := make([][]history.Op, runs)
	for i := range histories {
		histories[i] = simHistory(b, uint64(i+1), 3, 3, 250e6)
	}
	b.ResetTimer()
	timedOut := 0
	for i := 0; i < b.N; i++ {
		for _, ops := range histories {
			if Check(ops, Options{Timeout: 5 * time.Second}).TimedOut {
				timedOut++
			}
		}
	}
	b.StopTimer()
	open, reducedOpen := 0, 0
	for _, ops := range histories {
		lin, _ := classify(ops)
		for _, k := range keyOrder(lin) {
			open += countOpen(k.ops)
			reducedOpen += countOpen(k.reduced)
		}
	}
	b.ReportMetric(float64(timedOut)/float64(b.N*runs), "timedout/run")
	b.ReportMetric(float64(open)/runs, "pending/run")
	b.ReportMetric(float64(reducedOpen)/runs, "pending-reduced/run")
}

func countOpen(ops []porcupine.Operation) int {
	n := 0
	for _, o := range ops {
		if o.Return == math.MaxInt64 {
			n++
		}
	}
	return n
}

// TestReduceOnSimulatorHistories checks real chaos histories (ones porcupine decides quickly even
// unreduced) both ways: the reduced search agrees with porcupine on the recorded history, and a quorum
// read made stale on purpose is still caught.
func TestReduceOnSimulatorHistories(t *testing.T) {
	for _, seed := range []uint64{1, 10, 15} {
		ops := simHistory(t, seed, 3, 3, 250e6)
		require.Equal(t, porcupine.CheckOperations(V2Model(), PorcupineHistory(ops)), Check(ops, Options{}).Linearizable,
			"seed %d", seed)
		victim, old := findOverwritten(ops)
		require.GreaterOrEqual(t, victim, 0, "seed %d: no read to corrupt", seed)
		ops[victim].Result, ops[victim].Index = old.Value, old.Index
		v := Check(ops, Options{})
		assert.False(t, v.Linearizable, "seed %d: a stale quorum read must be caught", seed)
		assert.False(t, porcupine.CheckOperations(V2Model(), PorcupineHistory(ops)), "seed %d", seed)
	}
}
