package suite

import (
	"github.com/raftlab/raftlab/core/node"
	"github.com/raftlab/raftlab/core/raft"
	"github.com/raftlab/raftlab/netsim"
	"github.com/raftlab/raftlab/netsim/nodehost"
)

// bugDuration is the virtual length of one run of a known-bug suite.
const bugDuration = 10 * second

// bugSuites each carry one deliberate bug and a nemesis designed to expose it quickly.
func bugSuites() []Suite {
	d := bugDuration
	bug := func(name, doc string, bugs node.Bugs, w netsim.Workload) Suite {
		return Suite{Name: name, Doc: doc, Nodes: 5, Duration: d, Settle: 2 * second, Clients: 5,
			Workload: fixed(w), Seeds: 12, KnownBug: true, Node: nodehost.Options{Bugs: bugs}}
	}
	figure8 := bug("bug-commit-previous-term",
		"leaders commit entries of older terms by counting replicas (Raft's Figure 8): a script plays the "+
			"figure's crashes, cuts and elections with roles and timings from the seed, and the leader that "+
			"counted an old entry committed is overwritten by a later leader",
		node.Bugs{Raft: raft.Bugs{CommitPreviousTermByCounting: true}}, netsim.RegisterWorkload())
	// One entry per append lets the old-term entry travel without the new term's no-op. Without
	// check-quorum's lease and pre-vote, the overwriting leader wins as soon as it campaigns.
	figure8.Node.MaxSizePerMsg = 1
	figure8.Node.DisablePreVote = true
	figure8.Node.DisableCheckQuorum = true
	figure8.Link = figure8Link
	figure8.Script = figure8Script
	figure8.Faults = repairAt(d - 2*second)

	votes := bug("bug-vote-without-log-check",
		"votes granted without the up-to-date check: nodes cut off fall behind, come back with higher terms "+
			"(pre-vote off) and win elections, erasing committed writes",
		node.Bugs{Raft: raft.Bugs{VoteWithoutLogCheck: true}}, netsim.RegisterWorkload())
	votes.Node.DisablePreVote = true
	votes.Faults = combine(isolations(300*ms, 900*ms, 1200*ms, 2500*ms, 2*second, d),
		leaderKills(1*second, 2*second, 200*ms, 800*ms, 2*second, d))

	durable := bug("bug-ack-before-durable",
		"acknowledgements and applies before the fsync: power failures lose writes a majority acknowledged",
		node.Bugs{AckBeforeDurable: true}, netsim.KeysWorkload(8))
	// Slow fsyncs keep acknowledged but unsynced entries around when the power fails.
	durable.DiskLatency = netsim.Latency{Min: 30 * ms, Spread: 70 * ms}
	durable.Faults = powerFailures(800*ms, 1600*ms, 300*ms, 2*second, d)

	reads := bug("bug-local-quorum-reads",
		"quorum reads served from local state: a deposed or lagging node answers stale values",
		node.Bugs{LocalQuorumReads: true}, netsim.RegisterWorkload())
	reads.Faults = isolations(300*ms, 800*ms, 1500*ms, 3*second, 2*second, d)
	return []Suite{figure8, votes, durable, reads}
}
