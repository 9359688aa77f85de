package suite

import (
	"github.com/raftlab/raftlab/nemesis"
	"github.com/raftlab/raftlab/netsim"
)

// breadthSuites put the features of the v2 API and of core that the chaos suites leave alone under
// faults: every precondition, in-order keys, hidden keys, directories, snapshots taken, installed
// and restored under watchers, a history window that overflows, learners and promotions, leader
// transfers, torn writes, one entry per append.
func breadthSuites() []Suite {
	d := chaosDuration

	// Snapshots every 40 entries, 10 kept for catching up: lagging followers get the leader's
	// snapshot, restarted nodes restore theirs, and watchers on them must see every event anyway.
	api := base("api-snapshots-watches", "every precondition (prevValue, prevIndex, both, prevExist), hidden and in-order keys; "+
		"snapshots every 40 entries installed and restored under watchers; partitions, crashes, lossy links",
		fixed(netsim.APIWorkload(6)), generated(nemesis.Mix{Nodes: 5, Partitions: 2, Crashes: 2, Links: 1}, d))
	api.Pin = snapshotsEvery(40, 10)
	api.Watches = []netsim.WatchSpec{{Key: "/api", Recursive: true}, {Key: "/api/k1"}, {Key: "/queue", Recursive: true},
		{Key: "/", Recursive: true, Start: 4 * second}, {Key: "/api", Recursive: true, FromIndex: 40, Start: 7 * second}}

	tree := register(base("tree-crashes", "a directory tree: mkdir, rmdir, recursive deletes, files made and "+
		"removed under them, listings; crashes, partitions and snapshots every 50 entries",
		fixed(netsim.TreeWorkload()), generated(nemesis.Mix{Nodes: 5, Partitions: 2, Crashes: 2}, d)))
	tree.Pin = snapshotsEvery(50, 10)
	// /tree/a recursively and /tree/ab next to it: neither is owed the other's events.
	tree.Watches = []netsim.WatchSpec{{Key: "/tree", Recursive: true}, {Key: "/tree/a"}, {Key: "/tree/a/x"},
		{Key: "/tree/a", Recursive: true, Start: 2 * second}, {Key: "/tree/ab"}}

	// 3 voters to start with: learners join, are promoted, members (the leader too) leave, and the
	// leader hands over to random members, while partitions and crashes hit the first three.
	members := base("learners-transfers", "learners added and promoted, members removed, leadership transferred, "+
		"changes back to back; partitions and crashes meanwhile",
		fixed(netsim.APIWorkload(4)), generated(nemesis.Mix{Nodes: 3, Partitions: 2, Crashes: 1}, d))
	members.Nodes = 3
	members.Script = newMemberScript(4)
	members.Node.StrictReconfigCheck = true // additions and removals that would leave too few started members are refused
	// Requests wait for a leader 600ms at most (etcd's request timeout, shortened): parked
	// requests reach their deadline before their clients give up.
	members.Node.RequestTimeoutTicks = 6
	members.Pin = func(o *Options) {
		snapshotsEvery(100, 20)(o)
		o.DiskLatency = netsim.Latency{Min: 5 * ms, Spread: 40 * ms}
	}

	// Many fast clients fill the 1000-event history window: late watchers from index 1 get 401, one
	// from a recent index overflows its buffer, and a node cut off for long gets a snapshot whose
	// history starts after its watchers' next event.
	window := base("history-window", "over 1000 events: the watch history wraps; late watchers get 401 or "+
		"overflow, watchers on a node cut off for long are dropped at its snapshot install",
		fixed(netsim.KeysWorkload(80)), isolations(1*second, 2*second, 5*second, 7*second, 2*second, d))
	// Clients give up on an attempt after 200ms: the node cut off holds its requests (no leader)
	// and would otherwise slow every client down to one operation a second.
	window.Clients, window.Interval, window.ClientTimeout = 40, 10*ms, 200*ms
	// 40 clients need a pipeline and fast links and disks to fill the window: one entry per append,
	// one append in flight or 10 ms links leave a backlog of proposals that no quiet period drains
	// (the liveness check fails) and the history never wraps.
	window.Pin = func(o *Options) {
		snapshotsEvery(300, 50)(o)
		o.MaxSizePerMsg, o.MaxInflightMsgs = max(o.MaxSizePerMsg, 64<<10), max(o.MaxInflightMsgs, 16)
		o.LinkLatency, o.DiskLatency = netsim.Latency{}, netsim.Latency{} // netsim's defaults
	}
	window.Watches = []netsim.WatchSpec{{Key: "/keys", Recursive: true}, {Key: "/keys/k1"}, {Key: "/keys/k2"},
		{Key: "/", Recursive: true}, {Key: "/keys", Recursive: true, FromIndex: 1, Start: 8 * second},
		{Key: "/keys/k3", FromIndex: 1, Start: 3 * second}}

	// Torn writes, small segments and snapshots: recovery cuts torn tails, segments are cut and
	// released, power failures hit every node at once.
	torn := base("torn-writes", "torn writes on power failure, 8 KiB WAL segments, snapshots every 60 entries; "+
		"crashes and power failures",
		fixed(netsim.APIWorkload(6)), combine(generated(nemesis.Mix{Nodes: 5, Crashes: 3, Partitions: 1}, d),
			powerFailures(2*second, 4*second, 300*ms, 2*second, d)))
	torn.Pin = func(o *Options) {
		snapshotsEvery(60, 20)(o)
		o.TornWrites, o.SegmentSize = true, 8<<10
		o.DiskLatency = netsim.Latency{Min: 1 * ms, Spread: 15 * ms}
		crashMidSync(o)
	}

	// One entry per append and a pipeline of two: faults separate entries that usually travel
	// together, and a follower's stale suffix meets appends that end before it.
	small := base("one-entry-appends", "one entry per append, two appends in flight; loss, duplication, "+
		"reordering, partitions and crashes",
		fixed(netsim.APIWorkload(4)), generated(nemesis.Mix{Nodes: 5, Partitions: 2, Crashes: 1, Links: 2}, d))
	small.Pin = func(o *Options) {
		snapshotsEvery(30, 5)(o)
		o.MaxSizePerMsg, o.MaxInflightMsgs = 1, 2
	}
	small.Link = netsim.LinkConfig{Latency: netsim.Latency{Min: ms, Spread: 6 * ms}, Loss: 0.08, Duplicate: 0.1,
		Reorder: 0.15, ReorderDelay: 40 * ms}

	// TTL keys mixed with permanent writes and refreshes on the same keys, snapshots carrying TTLs.
	ttl := base("ttl-mixed", "TTL keys mixed with permanent writes and refreshes on the same keys; snapshots "+
		"every 50 entries; clock skew, partitions and crashes",
		fixed(netsim.TTLMixWorkload(4, int64(1500*ms))), generated(nemesis.Mix{Nodes: 5, Clocks: 2, Partitions: 1, Crashes: 1}, d))
	ttl.Watches = []netsim.WatchSpec{{Key: "/ttl", Recursive: true}, {Key: "/ttl/k0"}}
	ttl.Pin = snapshotsEvery(50, 10)

	// The standard budget (go test, TestCoverageMarks): the rare paths these suites exist for need
	// more seeds than the chaos suites' 10; a seed costs 20-100 ms.
	api.Seeds, tree.Seeds, members.Seeds, torn.Seeds, small.Seeds, ttl.Seeds = 20, 20, 40, 20, 40, 20
	return []Suite{api, tree, members, window, torn, small, ttl}
}

// snapshotsEvery pins a swarm seed's snapshots: one every count applied entries, keep entries kept.
func snapshotsEvery(count, keep uint64) func(o *Options) {
	return func(o *Options) { o.SnapshotCount, o.SnapshotCatchUpEntries = count, keep }
}
