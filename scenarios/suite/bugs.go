package suite

import (
	"github.com/raftlab/raftlab/core/node"
	"github.com/raftlab/raftlab/core/raft"
	"github.com/raftlab/raftlab/netsim"
	"github.com/raftlab/raftlab/netsim/realnode"
)

// bugDuration is the virtual length of one run of a known-bug suite.
const bugDuration = 10 * second

// bugSuites each carry one deliberate bug and a nemesis designed to expose it quickly.
func bugSuites() []Suite {
	d := bugDuration
	bug := func(name, doc string, bugs node.Bugs, w netsim.Workload) Suite {
		return Suite{Name: name, Doc: doc, Nodes: 5, Duration: d, Settle: 2 * second, Clients: 5,
			Workload: fixed(w), Seeds: 12, KnownBug: true, Node: realnode.Options{Bugs: bugs}}
	}
	figure8 := bug("bug-commit-previous-term",
		"leaders commit entries of older terms by counting replicas (Raft's Figure 8): leader kills and isolations "+
			"leave old-term entries on a majority that a later leader overwrites",
		node.Bugs{Raft: raft.Bugs{CommitPreviousTermByCounting: true}}, netsim.RegisterWorkload())
	// Figure 8 needs a leader's append carrying an old-term entry without its new-term no-op: one entry
	// per message, and lossy links so that a follower acknowledges the first without the second.
	figure8.Node.MaxSizePerMsg = 1
	figure8.Blocked = "random leader kills and isolations did not reach Figure 8's exact interleaving in 60 seeds " +
		"(one entry per append, 20% loss); core/raft's TestFigure8 reproduces it by script and fails with the bug"
	figure8.Link = netsim.LinkConfig{Latency: netsim.Latency{Min: 1 * ms, Spread: 10 * ms}, Loss: 0.2, Reorder: 0.2, ReorderDelay: 50 * ms}
	figure8.Faults = combine(leaderKills(700*ms, 1500*ms, 200*ms, 900*ms, 2*second, d),
		isolations(400*ms, 1200*ms, 300*ms, 1200*ms, 2*second, d))

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
