package suite

import (
	"fmt"

	"github.com/raftlab/raftlab/core/faultpoint"
	"github.com/raftlab/raftlab/netsim"
)

// narrowDuration is the virtual length of one run of a scripted narrow-window suite.
const narrowDuration = 10 * second

// narrow is a correct-code suite driven by a script that opens one narrow window on purpose (the
// Figure 8 script is the model): the script's roles and timings come from the seed, a light
// background workload runs beside it, and at the end everything is repaired.
func narrow(name, doc string, script func(sim *netsim.Sim, seed uint64, stop int64) fmt.Stringer) Suite {
	d := narrowDuration
	return Suite{Name: name, Doc: doc, Nodes: 5, Duration: d, Settle: 2 * second, Clients: 3,
		Workload: fixed(netsim.KeysWorkload(4)), Faults: repairAt(d - 2*second), Script: script,
		Link: scriptLink, Seeds: 10}
}

// narrowSuites are the scripted schedules for known narrow windows.
func narrowSuites() []Suite {
	truncate := narrow("narrow-truncate-crash", "a follower crashes right after it replaced a conflicting suffix of its log "+
		"(before the truncation is durable, or right after it is and before its acknowledgement)", truncateScript)
	truncate.FaultPoints = []netsim.ArmedPoint{{Point: faultpoint.NodeAfterTruncate, Action: faultpoint.Crash, Max: 1}}
	// A long stale suffix (6-10 entries) that the new leader's first append replaces only in part,
	// and F always crashes once the truncation is durable: its restart replays a WAL in which the
	// replacing records are followed by nothing, and the stale entries after them must stay cut.
	long := narrow("narrow-truncate-long-suffix", "a follower holding a long suffix from a deposed leader replaces "+
		"part of it and crashes right after the truncation is durable", truncateScriptOf(truncateShape{minWrites: 6, maxWrites: 10}))
	long.FaultPoints = truncate.FaultPoints
	long.Node.MaxSizePerMsg = 1 // one entry per append: the first replaces one stale entry of many
	snapshot := narrow("narrow-snapshot-install", "a follower that fell behind the leader's compacted log is sent a "+
		"snapshot that appends may overtake, and may crash right after installing it", snapshotScript)
	snapshot.Node.SnapshotCount, snapshot.Node.SnapshotCatchUpEntries = 16, 4
	snapshot.Clients, snapshot.Interval = 5, 50*ms
	// wal/before-sync is armed to fire nowhere until the script arms it on its follower.
	torn := narrow("narrow-catch-up-torn", "a follower crashes while the batch that catches it up (entries and "+
		"the hard state committing them) is written but not synced, on a disk that tears unsynced writes", catchUpTornScript)
	torn.Node.TornWrites = true
	torn.FaultPoints = []netsim.ArmedPoint{{Point: faultpoint.WALBeforeSync, Action: faultpoint.Pass}}
	strict := narrow("narrow-strict-reconfig", "voters added but left unstarted: removing a started voter, or adding "+
		"another, would leave fewer started members than a quorum and must be refused (etcd's strict reconfiguration check)",
		strictReconfigScript)
	strict.Nodes, strict.Node.StrictReconfigCheck = 3, true
	return []Suite{
		narrow("narrow-read-index-first-term", "a quorum read reaches a new leader while its first-term entry, "+
			"and with it the commit of the last acknowledged write, is still on its way", readIndexScript),
		narrow("narrow-stale-leader-append", "a deposed leader's appends, held back on one link, reach a follower "+
			"after it moved to a new leader's term and took its committed entries", staleLeaderScript),
		narrow("narrow-transfer-proposal", "a leadership transfer to a lagging follower starts while the leader "+
			"holds a proposal it has not committed, and more writes arrive during the transfer", transferScript),
		narrow("narrow-deposed-leader-read", "a leader cut off with one follower, after a majority elected another "+
			"that acknowledged a newer write, is asked for quorum reads before check-quorum deposes it", deposedReadScript),
		narrow("narrow-conf-change-partitioned", "membership changes on both sides of a partition: the minority's "+
			"leader cannot commit its change, the majority's new leader commits another", confChangeScript),
		narrow("narrow-longer-stale-log", "a node whose log is longer but ends in an older term campaigns against "+
			"voters holding a committed write of a later term", longerLogScript),
		truncate,
		long,
		snapshot,
		torn,
		strict,
		snapshotMatchSuite(),
		roomTornSuite(),
	}
}
