package checker

import (
	"math"
	"time"

	"testing"

	"github.com/stretchr/testify/require"

	"github.com/raftlab/raftlab/checker/history"
	"github.com/raftlab/raftlab/nemesis"
	"github.com/raftlab/raftlab/netsim"
	"github.com/raftlab/raftlab/netsim/realnode"
)

// simDuration is the virtual length of a simulated chaos run: one minute.
const simDuration = 60e9

// simHistory runs the real simulator (nodes real Raft nodes, the register workload with clients
// clients, DefaultMix faults drawn from seed) for one virtual minute and returns the recorded history:
// the few-key, many-unknowns histories that made porcupine give up.
func simHistory(t testing.TB, seed uint64, nodes, clients int) []history.Op {
	t.Helper()
	cfg := netsim.Config{
		Seed:  seed,
		Nodes: nodes,
		Clients: netsim.ClientConfig{Count: clients, Workload: netsim.RegisterWorkload(), Random: true,
			Stop: simDuration * 3 / 4},
	}
	sim, err := netsim.New(realnode.Configure(cfg, realnode.Options{}))
	require.NoError(t, err)
	mix := nemesis.DefaultMix()
	mix.Nodes = nodes
	nemesis.Schedule(sim, nemesis.Generate(seed, mix, simDuration), nil)
	sim.Run(simDuration)
	return sim.History()
}

// BenchmarkCheckChaosRegister checks real three-node chaos histories (register workload, ten
// clients, DefaultMix faults, one virtual minute) with a 5 s search budget, and reports the share of
// runs where porcupine gave up and the open unknown writes the search still had to carry.
func BenchmarkCheckChaosRegister(b *testing.B) {
	const runs = 4
	histories := make([][]history.Op, runs)
	for i := range histories {
		histories[i] = simHistory(b, uint64(i+1), 3, 10)
	}
	b.ResetTimer()
	timedOut, open, unknown := 0, 0, 0
	for i := 0; i < b.N; i++ {
		for _, ops := range histories {
			v := Check(ops, Options{Timeout: 5 * time.Second})
			if v.TimedOut {
				timedOut++
			}
		}
	}
	b.StopTimer()
	for _, ops := range histories {
		lin, _ := classify(ops)
		for _, k := range keyOrder(lin) {
			for _, o := range k.ops {
				if o.Return == math.MaxInt64 {
					unknown++
				}
			}
			for _, o := range k.reduced {
				if o.Return == math.MaxInt64 {
					open++
				}
			}
		}
	}
	b.ReportMetric(float64(timedOut)/float64(b.N*runs), "timedout/run")
	b.ReportMetric(float64(unknown)/runs, "unknownwrites/run")
	b.ReportMetric(float64(open)/runs, "stillopen/run")
}
