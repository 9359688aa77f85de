// Package raft implements the Raft consensus protocol as a pure, deterministic state machine in
// the shape of etcd-io/raft's RawNode: no goroutines, no clock, no I/O. Time is Tick, randomness
// is Config.Rand, and all input arrives through Step, Propose, ProposeConfChange, ReadIndex,
// TransferLeadership and the Report methods. Output is collected with Ready.
//
// # Host contract
//
// The host loops:
//
//	if node.HasReady() {
//		rd := node.Ready()
//		// 1. Persist rd.HardState, rd.Entries and rd.Snapshot (fsync when rd.MustSync), and then
//		//    make them visible in the Storage (MemoryStorage.Append/SetHardState/ApplySnapshot).
//		// 2. Send rd.Messages (only now: a vote or an append acknowledgement promises durability).
//		// 3. Apply rd.Snapshot, then rd.CommittedEntries in order; for an EntryConfChange decode it
//		//    with DecodeConfChange and call node.ApplyConfChange. Serve rd.ReadStates once their
//		//    Index is applied.
//		// 4. node.Advance(rd).
//	}
//
// The host may Step messages and Tick between Ready and Advance (for example while a disk write
// is in flight); it must not call Ready again before Advance. rd.Messages and rd.ReadStates are
// raft's own arrays, valid until the next Ready (which reuses them): a host that keeps messages
// longer copies the Message values. Entries and CommittedEntries are never written again.
//
// # Proposals
//
// Propose and ProposeConfChange never drop silently: they return nil when the entry was appended
// (leader) or forwarded to the known leader (follower), and otherwise an error: *NotLeaderError
// (Leader None when no leader is known; the leader's ID when forwarding is disabled),
// ErrProposalDropped (leadership transfer in progress, uncommitted-size limit, removed leader) or
// ErrConfChangePending. A forwarded proposal can still be lost in the network; the host must time
// out on it like on any request.
//
// # Membership
//
// Changes are single-server (add voter, add learner, promote learner, remove) and take effect
// when the host applies the entry (etcd style). At most one change may be unapplied at a time:
// the leader refuses a new one while its last conf entry is above its applied index, and a new
// leader treats its whole uncommitted tail as possibly containing one, so it first commits and
// applies its own no-op. Safety: two configurations that differ by one server have overlapping
// majorities, so as long as every node's configuration differs from any other's by at most one
// change, no two leaders can be elected in the same term. Allowing one change in flight keeps that
// true; requiring an entry of the current term to be committed first closes the known gap in the
// single-server algorithm (a leader of an older configuration must not be able to overwrite a
// change). A node with committed but unapplied conf changes does not campaign.
//
// A leader that applies its own removal steps down. Vote requests from non-members are ignored.
//
// The bootstrap configuration (Config.Peers/Learners of a fresh node) is not written to the log.
// Hence a joining node must either be started with Peers set to the current voters (including
// itself) and Learners likewise, or learn the configuration from a snapshot. A node started with
// no configuration at all never campaigns and does not filter votes until a snapshot gives it a
// complete configuration: the configuration it derives by replaying conf changes alone is
// missing the bootstrap members, and campaigning on it could elect a second leader.
//
// # Restart
//
// Raft restores term, vote and commit from Storage.InitialState and the configuration from the
// snapshot's ConfState (or Peers/Learners when there is no snapshot). Conf changes after that
// point are re-applied by the host when it re-applies the committed entries after
// Config.Applied, so Config.Applied must be the index of the state the host actually restored
// (normally the snapshot index), not a later one.
//
// # Lost messages
//
// Raft tolerates any message loss. A snapshot that is never reported with ReportSnapshot and
// never acknowledged is presumed lost after an election timeout of heartbeat answers, and the
// follower is probed again.
//
// # Deliberate bugs
//
// Config.Bugs switches on known safety violations for the simulation lab only.
package raft
