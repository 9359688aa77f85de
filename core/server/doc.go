// Package server is the real host of one raftlab member: it owns a core/node state machine in a
// single goroutine and connects it to the world — a clock (a ticker every heartbeat interval),
// the disk (core/wal under <data-dir>/member/wal, written by a persister goroutine with one fsync
// per batch), the peers (core/transport, plus a small HTTP endpoint on the same peer port that
// tells a joining member the cluster ID and the membership) and the clients (it implements
// httpapi.Backend).
//
// The loop selects over ticks, inbound peer messages, client requests and persist completions.
// After every input it drains node.Ready: a persist batch goes to the persister (the loop keeps
// accepting proposals meanwhile, so the next batch carries everything that arrived: group commit),
// messages go to the transport and replies go to the callers waiting on their request IDs.
//
// A member restarts from its data dir alone: the WAL's metadata records its name, member ID,
// cluster ID and initial membership.
package server
