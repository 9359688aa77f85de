// Package nemesis describes faults as data. A Fault is a value with a one-line text form that
// round-trips through Parse, so stories, generated schedules and reports all speak the same
// language; Apply performs it on a Target: the running simulator (Sim), or real processes through
// scenarios/run's real driver. Each fault is written once against Target's actions (partition,
// cut, crash, pause, ...); a target that cannot perform one (a real process has no simulated disk)
// answers errors.ErrUnsupported, which the story executor reports as skipped.
//
// The text forms (node references are a node name such as n3, or leader, follower or random, which
// are resolved with the simulation's generator when the fault is applied):
//
//	partition {n1,n2} {n3,n4,n5}    cut every link between the groups (unnamed nodes form one more group)
//	partition random-halves         a random minority against the rest
//	isolate <node>                  cut every link to and from the node
//	bridge                          two halves that only one node in the middle can talk to
//	cut n1->n2                      cut one direction of one link
//	heal                            repair every cut link
//	crash <node> | kill <node>      crash the node (volatile state and unsynced writes are lost)
//	crash all                       power failure: every live node crashes at the same instant
//	restart <node>|all              restart a crashed node (all: every crashed node, and every node a
//	                                storage failure stopped)
//	pause <node> / resume <node>|all
//	delay 50ms..200ms               every link's latency becomes uniform in [50ms, 200ms)
//	loss 10% | duplicate 5% | reorder 20%
//	net reset                       every link back to the run's initial configuration
//	disk fail-sync <node>           fsync fails (EIO) from now on
//	disk full <node>                writes fail with ENOSPC from now on
//	disk ok <node>|all              clear disk faults
//	clock-skew <node> +300ms        step the node's clock
//	clock-drift <node> +1000ppm     make the node's clock run fast (or slow)
//	member add n6 | member remove <node>
//
// Generate draws a whole fault schedule from a seed, TigerBeetle-style: the seed picks the rates and
// ranges (how often faults come, how long they last, how lossy the network gets) and then the faults.
package nemesis
