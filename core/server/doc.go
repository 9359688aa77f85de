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
// The loop holds no request logic: parking requests while there is no leader, resubmitting them
// after a leader change, publishing the member's name and client URLs, readiness to serve and the
// strict reconfiguration check are core/node's, so the simulator runs the same code. Ready is closed
// once the node reports itself ready; kvd serves its client listeners only from then on.
//
// A member restarts from its data dir alone: the WAL's metadata records its name (which it keeps,
// whatever --name says on a restart), member ID, cluster ID and initial membership.
//
// A WAL or snapshot write that fails stops the member for good, but the process stays up: the node
// applies, acknowledges and sends nothing more, reports itself a follower without a leader (it
// neither campaigns nor votes), and every key read, watch and write is refused with an error
// (HTTP 500, etcd error code 300 "Raft Internal Error", cause naming the storage failure), while
// /health answers 503 "STORAGE FAILED" and /v2/stats/self shows StateFollower without a leader.
// etcd exits instead. Staying up was chosen because the failure then stays visible where operators
// and load balancers look (health, stats, the log) instead of turning into a restart loop against a
// disk that still fails, because in-flight clients get a definite error rather than a reset
// connection, and because it is node state the deterministic lab observes and checks like any other.
// A supervisor that prefers etcd's behaviour restarts the member when /health reports the failure;
// the restart recovers everything that was made durable.
package server
