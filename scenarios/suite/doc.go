// Package suite is raftlab's randomized chaos testing: named suites that pair a client workload
// (register with compare-and-swap, many keys, watches, TTL keys) with a nemesis (partitions,
// crashes, leader kills, message loss/duplication/reordering, clock skew, membership changes, or
// all of them mixed) on real nodes in the deterministic simulator. Every run of a suite is a pure
// function of its seed and ends with its verdicts: porcupine's linearizability check, the Raft
// invariant monitor, each node's durability promises (checker.Promises: terms, votes,
// acknowledgements and applied entries against what its disk kept, after every restart), the
// watch check, a check that no acknowledged write was lost, and liveness: the repaired cluster
// takes a write and every member catches up to the same applied index and key space.
//
// Correct-code chaos suites draw their protocol options from the seed (DrawOptions: pre-vote,
// check-quorum, election timing, snapshot frequency, message size and pipelining, disk and link
// latency, torn writes, WAL segment size) and, for half the seeds, arm core fault points.
// Scripted narrow-window suites ("narrow-…", and the Figure 8 script) open a window the random
// schedule almost never opens, with roles and timings from the seed.
//
// Known-bug suites run the same machinery on nodes with a deliberate protocol bug (node.Bugs); a
// seed sweep over them must find a violation, which proves the lab can see that bug.
package suite
