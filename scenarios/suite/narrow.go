package suite

import (
	"fmt"

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
	return []Suite{
		narrow("narrow-read-index-first-term", "a quorum read reaches a new leader while its first-term entry, "+
			"and with it the commit of the last acknowledged write, is still on its way", readIndexScript),
		narrow("narrow-stale-leader-append", "a deposed leader's appends, held back on one link, reach a follower "+
			"after it moved to a new leader's term and took its committed entries", staleLeaderScript),
	}
}
