// Package suite is raftlab's randomized chaos testing: named suites that pair a client workload
// (register with compare-and-swap, many keys, watches, TTL keys) with a nemesis (partitions,
// crashes, leader kills, message loss/duplication/reordering, clock skew, membership changes, or
// all of them mixed) on real nodes in the deterministic simulator. Every run of a suite is a pure
// function of its seed and ends with three verdicts: porcupine's linearizability check, the Raft
// invariant monitor and the watch check (plus a check that no acknowledged write was lost).
//
// Known-bug suites run the same machinery on nodes with a deliberate protocol bug (node.Bugs); a
// seed sweep over them must find a violation, which proves the lab can see that bug.
package suite
