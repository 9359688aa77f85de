// Package node is one raftlab member as an event-driven state machine: it glues the Raft core
// (core/raft), the etcd v2 key space (core/store) and the host's durable storage together.
//
// The same code runs in the deterministic simulator (netsim) and in the real server (cmd/kvd). It
// never starts goroutines, reads a clock or touches a file: the host drives it.
//
// Inputs:
//   - Tick(now): one logical tick; now is the host's clock in unix nanoseconds (TTL expiry uses it).
//   - Step(msg): a Raft message from a peer.
//   - Submit(req): a client request; its one Reply comes out later, matched by req.ID.
//   - Cancel(id): the caller of a submitted request went away.
//   - Persisted(seq, err): the host finished writing persist batch seq (or failed to).
//
// Outputs, drained with Ready():
//   - Persist: at most one batch in flight. The host writes it (entries, hard state, snapshot) and
//     fsyncs when MustSync, then calls Persisted.
//   - Messages: safe to send now. Every message that depends on a persist batch (a granted vote, an
//     append acknowledgement) is released only after that batch was reported Persisted.
//   - Replies: results for submitted requests.
//
// An Output's memory is the node's and is reused (see Output): the host copies what it keeps beyond
// the next Ready (and, for the batch, beyond Persisted).
//
// The ordering contract, per Raft Ready: persist (host) → Persisted → messages released → committed
// entries applied to the store → waiters answered → raft.Advance. While a batch is being persisted,
// new writes wait in the node and messages accumulate inside raft; the waiting writes are then
// proposed together (raft.Node.ProposeBatch: one append per follower for all of them), so the next
// batch carries all of them: that is the group commit. A Ready that moves only the commit index
// (no entries, no snapshot, term and vote unchanged) makes nothing durable that it depends on:
// its committed entries came in earlier, persisted Readies. It is finished at once, and its hard
// state goes out right after in a batch of its own (or with the next one). Likewise, at every step
// the committed entries already on this disk that raft has not handed out in a Ready are applied
// and answered at once (raft.Node.CommittedDurable), even while a batch is in flight: a commit that
// arrives during the next batch's fsync does not wait for it.
//
// The request lifecycle is the node's too, so that the simulator runs it: a request refused for want
// of a leader waits (parked) until one is known, every waiting request is submitted again after a
// leader change, a membership change forwarded to the leader is sent again every half election
// timeout (the leader drops one that arrives while another applies), and each is answered at the
// latest RequestTimeoutTicks after it was submitted. Membership changes are judged where they apply,
// as etcd judges them, never refused on a follower's view that may lag. The
// member publishes its name and client URLs through raft once a leader is known and reports itself
// ready to serve (Status.Ready) once they are applied, or, after a restart with the same attributes,
// once a read-index round shows it caught up; hosts serve clients only from then on. The strict
// reconfiguration check (Config.StrictReconfigCheck) refuses membership changes here as well.
//
// A node whose storage failed stops: it acknowledges, applies and sends nothing more, reports itself
// a follower without a leader, and refuses every read (ErrStorage) rather than serve frozen state.
//
// Request IDs make every proposal idempotent: the ID travels in the log entry, and each replica keeps
// a bounded, deterministic table of recently applied IDs and their results. A proposal duplicated by
// the network, forwarded twice or retried by a client after a timeout is applied at most once, and a
// retry gets the result of that one application (or ErrTimeout once that result's event fell out of
// the table's byte window: the outcome is then unknown to it, as after a timeout).
//
// Memory follows the data, not the writes: besides its key space a node keeps the store's watch
// history (bounded by count and bytes), the dedup table's events (Config.DedupBytes), the log
// since its last snapshot (a snapshot is due once it holds as much as that snapshot, or
// Config.SnapshotBytes) with at most Config.SnapshotCatchUpBytes of catch-up entries after one, and
// the last snapshot, kept for followers (a new one is taken once the data shrank below half of it).
//
// Membership: the initial members are seeded into the store's internal namespace identically on every
// replica (member added, attributes published, cluster version: etcd's index arithmetic, so a fresh
// 3-member cluster hands out index 8 to the first user write). Runtime changes travel as Raft
// configuration changes; every replica takes a snapshot and compacts its log when it applies an added
// member, so a joining node is always caught up from a snapshot rather than from a log whose prefix
// assumes a different bootstrap.
package node
