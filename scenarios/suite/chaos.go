package suite

import (
	"github.com/raftlab/raftlab/nemesis"
	"github.com/raftlab/raftlab/netsim"
)

// chaosDuration is the virtual length of one run of a correct-code suite.
const chaosDuration = 12 * second

func fixed(w netsim.Workload) func(uint64) netsim.Workload {
	return func(uint64) netsim.Workload { return w }
}

// base is the common shape of the correct-code suites.
func base(name, doc string, w func(uint64) netsim.Workload, faults func(uint64) []nemesis.Scheduled) Suite {
	return Suite{Name: name, Doc: doc, Nodes: 5, Duration: chaosDuration, Settle: 2 * second, Clients: 5,
		Workload: w, Faults: faults, Seeds: 10, Swarm: true}
}

// register slows a suite's clients down to keep the single-register check fast.
func register(s Suite) Suite {
	s.Clients, s.Interval = 3, 250*ms
	return s
}

func chaosSuites() []Suite {
	d := chaosDuration
	lossy := base("keys-lossy", "many keys; message loss, duplication, reordering and delay",
		fixed(netsim.KeysWorkload(8)), generated(nemesis.Mix{Nodes: 5, Links: 1, Partitions: 1}, d))
	lossy.Link = netsim.LinkConfig{Latency: netsim.Latency{Min: ms, Spread: 4 * ms}, Loss: 0.05, Duplicate: 0.05,
		Reorder: 0.1, ReorderDelay: 30 * ms}

	watches := base("watches-partitions-crashes", "watchers on a directory and on one key; partitions and crashes",
		fixed(netsim.KeysWorkload(5)), generated(nemesis.Mix{Nodes: 5, Partitions: 2, Crashes: 2}, d))
	watches.Watches = []netsim.WatchSpec{{Key: "/keys", Recursive: true}, {Key: "/keys/k1"}, {Key: "/keys", Recursive: true, Start: 3 * second}}

	ttl := base("ttl-clock-skew", "TTL keys expiring under clock steps and drift, watched; the checker's model "+
		"expires a key by the leader clock of the expiry entry, whatever real time says",
		fixed(netsim.TTLWorkload(4, int64(1500*ms))), generated(nemesis.Mix{Nodes: 5, Clocks: 2, Partitions: 1}, d))
	ttl.Watches = []netsim.WatchSpec{{Key: "/ttl", Recursive: true}}

	members := base("keys-membership", "many keys while the cluster grows from 3 to 5 members, loses its leader and shrinks",
		fixed(netsim.KeysWorkload(5)), memberChurn(3, d))
	members.Nodes = 3
	// As kvd and etcd run by default: an addition that would leave too few started members for a
	// quorum is refused. Without it two additions whose members never started (their outcome was
	// unknown, so the nemesis did not start them) left 2 started of 4 voters: no leader ever again
	// (seed 1793 of 2,000).
	members.Node.StrictReconfigCheck = true

	// standard is issue 8's standard chaos workload: 5 nodes, 10 clients each issuing an operation
	// every 100 ms of virtual time on average, random partitions and crashes, 30 virtual seconds.
	standard := base("chaos-standard", "the standard chaos workload: 10 clients, an op every 100 ms each, "+
		"random partitions and crashes, 30 virtual seconds (what `labd sweep chaos-standard --seeds 1..1000` times)",
		fixed(netsim.KeysWorkload(10)), generated(nemesis.Mix{Nodes: 5, Partitions: 1, Crashes: 1}, 30*second))
	standard.Duration, standard.Clients, standard.Interval, standard.Seeds = 30*second, 10, 100*ms, 3

	return []Suite{
		standard,
		register(base("register-partitions", "one register with compare-and-swap; partitions of every shape",
			fixed(netsim.RegisterWorkload()), generated(nemesis.Mix{Nodes: 5, Partitions: 1}, d))),
		register(base("register-leader-kills", "one register; the leader is killed again and again",
			fixed(netsim.RegisterWorkload()), leaderKills(1500*ms, 3*second, 300*ms, 1500*ms, 2*second, d))),
		base("keys-crashes", "many keys; crashes, power failures and restarts",
			fixed(netsim.KeysWorkload(8)), generated(nemesis.Mix{Nodes: 5, Crashes: 1}, d)),
		lossy,
		watches,
		ttl,
		members,
		base("swarm-mixed", "a workload drawn from the seed; every fault family mixed (TigerBeetle-style swarm)",
			netsim.WorkloadFromSeed, generated(nemesis.DefaultMix(), d)),
	}
}
