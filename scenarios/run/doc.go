// Package run executes story files (package story) on the deterministic simulator with real
// raftlab nodes: it builds the cluster the story describes, runs every statement with the
// semantics documented in scenarios/story, records every failed expectation with its file and
// line, prints a slide-style narrative (each step's caption, a table of every node's log and the
// step's notable events) and, at the end, checks the client history for linearizability, Raft's
// invariants through checker.Monitor and every watcher against the committed events.
//
// The same story with the same seed gives the same Result.TraceHash.
package run
