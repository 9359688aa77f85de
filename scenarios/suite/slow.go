package suite

import (
	"time"

	"github.com/raftlab/raftlab/nemesis"
	"github.com/raftlab/raftlab/netsim"
)

// slowLinks slows every link down, again and again, to latencies drawn up to several election
// timeouts, and puts the links back after a while: vote requests and answers, appends and their
// acknowledgements, heartbeats and read-index confirmations then arrive terms after they were sent
// (a partition drops messages; a slow network delivers them late), and sometimes the links also
// reorder what they carry.
func slowLinks(gapMin, gapMax, slowMin, slowMax, quiet, duration int64) func(seed uint64) []nemesis.Scheduled {
	return func(seed uint64) []nemesis.Scheduled {
		rng := seeded(seed, 0x736c6f77)
		var out []nemesis.Scheduled
		at := between(rng, gapMin, gapMax)
		for at < duration-quiet {
			lo := time.Duration(between(rng, 0, 400*ms)).Round(time.Millisecond)
			hi := lo + time.Duration(between(rng, 500*ms, 3*second)).Round(time.Millisecond)
			out = append(out, nemesis.Scheduled{At: at, Fault: nemesis.Delay{Min: lo, Max: hi}})
			if rng.IntN(2) == 0 {
				out = append(out, nemesis.Scheduled{At: at, Fault: nemesis.LinkFault{Kind: nemesis.Reorder,
					Percent: float64(10 + rng.IntN(40))}})
			}
			back := min(at+between(rng, slowMin, slowMax), duration-quiet)
			out = append(out, nemesis.Scheduled{At: back, Fault: nemesis.NetReset{}})
			at = back + between(rng, gapMin, gapMax)
		}
		return out
	}
}

// slowSuite is the slow network: messages late by more than an election timeout, beside crashes.
func slowSuite() Suite {
	d := chaosDuration
	s := base("slow-links", "links slowed to latencies of several election timeouts (and reordering) "+
		"for seconds at a time: votes, appends and their answers arrive terms late; crashes meanwhile",
		fixed(netsim.KeysWorkload(6)), combine(slowLinks(500*ms, 2*second, 1*second, 4*second, 3*second, d),
			generated(nemesis.Mix{Nodes: 5, Crashes: 1}, d)))
	s.Link.ReorderDelay = 500 * ms
	return s
}
