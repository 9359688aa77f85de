// Package run is the story executor: it runs story files (package story) with the semantics
// documented in scenarios/story, on a Driver. It records every failed expectation with its file
// and line, prints a slide-style narrative (each step's caption, a table of every node's log and
// the step's notable events) and, at the end, checks the client history for linearizability and
// adds the driver's own checks.
//
// Two drivers implement Driver:
//   - the simulator (Run, driver_sim.go): real raftlab nodes on netsim's network, disk and clock,
//     Raft's invariants through checker.Monitor and every watcher against the committed events.
//     The same story with the same seed gives the same Result.TraceHash.
//   - real processes (Real, driver_real*.go): any etcd-compatible server (kvd, or etcd) started by
//     scenarios/realproc behind fault-injecting proxies, observed through its client API, in wall
//     time.
//
// The executor holds every story semantic once; a driver only acts and observes. What a driver
// cannot do or see (a log table on real processes, a recursive read in the simulator) comes back
// as errors.ErrUnsupported and is reported as skipped (Result.Skipped) in the narrative, the counts
// and the report, never as passed. Faults are nemesis faults applied to the driver's
// nemesis.Target, one mechanism for both.
package run
