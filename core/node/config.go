package node

import (
	"errors"
	"fmt"

	"github.com/raftlab/raftlab/core/faultpoint"
	"github.com/raftlab/raftlab/core/mark"
	"github.com/raftlab/raftlab/core/raft"
)

// Member is one cluster member as the members API shows it.
type Member struct {
	ID         uint64
	Name       string
	PeerURLs   []string
	ClientURLs []string
}

// Bugs are deliberate protocol bugs the lab switches on to prove that it can see them. All false in
// production.
type Bugs struct {
	Raft raft.Bugs
	// AckBeforeDurable releases messages (votes, append acknowledgements) and applies entries
	// before the host has made the batch durable.
	AckBeforeDurable bool
	// LocalQuorumReads serves quorum=true reads from local state without a read-index round.
	LocalQuorumReads bool
}

// Config configures a Node. Zero values get the defaults noted on each field.
type Config struct {
	ID        uint64
	ClusterID uint64
	// InitialMembers is the bootstrap membership of a new cluster (every replica must be given the
	// same list). A node joining an existing cluster sets Join and leaves it as the current members.
	InitialMembers []Member
	// Join marks a node added at runtime: it starts with no configuration and waits for the leader.
	Join bool
	// Name and ClientURLs are this member's attributes: the node publishes them through raft once a
	// leader is known and is ready to serve once they are applied (see Status.Ready). With no Name
	// it publishes nothing and is ready once it has caught up with the cluster.
	Name       string
	ClientURLs []string
	// StrictReconfigCheck refuses a membership change that would leave too few started members for
	// a quorum (etcd's --strict-reconfig-check), with ErrNotEnoughStartedMembers.
	StrictReconfigCheck bool
	// ElectionTicks (default 10) and HeartbeatTicks (default 1) are in ticks.
	ElectionTicks  int
	HeartbeatTicks int
	// TickInterval is the host's tick length in nanoseconds (default 100ms). It converts TTL
	// checks (every SyncInterval) into ticks.
	TickInterval int64
	// SyncInterval is how often the leader checks for expired TTL keys (default 500ms, like etcd).
	SyncInterval int64
	// SnapshotCount: a snapshot is taken every SnapshotCount applied entries (default 10000).
	SnapshotCount uint64
	// SnapshotCatchUpEntries are kept in the log after a snapshot for slow followers (default 5000).
	SnapshotCatchUpEntries uint64
	// SnapshotBytes bounds the log by size as well (default DefaultSnapshotBytes): a snapshot is
	// also taken once the entries applied since the last one hold max(SnapshotBytes, the last
	// snapshot's size) bytes, so the log in memory follows the data's size, not the count of writes,
	// and snapshotting costs a bounded share of the writes; and once the data shrank to less than
	// half what the last snapshot held (less SnapshotBytes), so that the snapshot kept for followers
	// does not outlive the data it holds. The default holds about 150,000 entries of 256-byte
	// values (about 440 bytes each), more than etcd's default --snapshot-count of 100,000: with
	// small values the count decides, as in etcd, and the bytes only for large ones.
	SnapshotBytes uint64
	// SnapshotCatchUpBytes bounds the catch-up entries by size (default
	// DefaultSnapshotCatchUpBytes).
	SnapshotCatchUpBytes uint64
	// SnapshotStagger spreads the members' snapshots: the voter of rank r of n (by ID) takes its
	// first snapshot after a start r/n of a period later than SnapshotCount and the byte bound say
	// (the bounds of that first period only, both). All members apply the same entries at about
	// the same time, so without it they snapshot together, and a cluster whose members all encode
	// and write a snapshot at once slows down at once; staggered, the members stay apart by a
	// third of a period (three members) from then on, and a quorum is always writing at full speed
	// when the members have machines of their own. The first period's log is then up to (n-1)/n
	// longer.
	SnapshotStagger bool
	// HostEncodesSnapshots: a due snapshot is handed to the host to encode (Output.Encode, then
	// SnapshotEncoded) instead of being encoded inside the node's step, so that the host can encode
	// it on another goroutine while the node goes on. Off, the node encodes it at once (the
	// simulator: the same job, encoded synchronously).
	HostEncodesSnapshots bool
	// RequestTimeoutTicks: a request is answered at the latest this many ticks after it was first
	// submitted, with ErrTimeout or the refusal that kept it waiting (default 5s + 2 election
	// timeouts, as etcd's request timeout).
	RequestTimeoutTicks int
	// MaxRequestBytes bounds a request's payload (a write's key, value and prevValue; a member's
	// URLs): its log entry may be at most MaxRequestBytes+MaxEnvelopeBytes long, here and in a
	// proposal forwarded by a peer. Default DefaultMaxRequestBytes; the HTTP layer refuses larger
	// payloads at the door with the same limit.
	MaxRequestBytes int
	// DedupWindow is how many applied request IDs each replica remembers (default 20000).
	DedupWindow int
	// DedupBytes bounds the events of the remembered results (default DefaultDedupBytes): older
	// results are kept without their events, and a retry of one is answered ErrTimeout (it is not
	// applied again, but its outcome is no longer known). Every replica must use the same value.
	DedupBytes int
	// MaxSizePerMsg and MaxInflightMsgs tune replication batching (defaults 1 MiB, 256).
	MaxSizePerMsg   uint64
	MaxInflightMsgs int
	// DisableCheckQuorum and DisablePreVote turn off those Raft extensions (on by default). The lab
	// turns them off to replay the talk's slides exactly.
	DisableCheckQuorum bool
	DisablePreVote     bool
	// Rand is the only randomness (election timeouts). Required.
	Rand raft.Rand
	Bugs Bugs
	// Marks counts the rare paths taken (raft's and the store's too), for the lab; nil in production.
	Marks *mark.Set
	// Faults are the simulator's fault points (nil in production).
	Faults *faultpoint.Set
}

// DefaultMaxRequestBytes is the default payload limit of a request: 1.5 MiB, etcd's default
// --max-request-bytes.
const DefaultMaxRequestBytes = 1536 * 1024

// MaxEnvelopeBytes bounds what a log entry adds to its payload: the envelope's field names, numbers
// and string lengths, and a membership change's header (TestMaxEnvelopeBytesCoversTheEncoding).
const MaxEnvelopeBytes = 512

const (
	defaultTickInterval = int64(100e6)
	defaultSyncInterval = int64(500e6)
)

func (c *Config) withDefaults() (Config, error) {
	out := *c
	if out.ID == 0 {
		return out, errors.New("node: config: ID must be non-zero")
	}
	if out.Rand == nil {
		return out, errors.New("node: config: Rand is required")
	}
	if out.ElectionTicks == 0 {
		out.ElectionTicks = 10
	}
	if out.HeartbeatTicks == 0 {
		out.HeartbeatTicks = 1
	}
	if out.HeartbeatTicks >= out.ElectionTicks {
		return out, fmt.Errorf("node: config: heartbeat ticks (%d) must be below election ticks (%d)", out.HeartbeatTicks, out.ElectionTicks)
	}
	if out.TickInterval <= 0 {
		out.TickInterval = defaultTickInterval
	}
	if out.SyncInterval <= 0 {
		out.SyncInterval = defaultSyncInterval
	}
	if out.SnapshotCount == 0 {
		out.SnapshotCount = 10000
	}
	if out.SnapshotCatchUpEntries == 0 {
		out.SnapshotCatchUpEntries = 5000
	}
	if out.SnapshotBytes == 0 {
		out.SnapshotBytes = DefaultSnapshotBytes
	}
	if out.SnapshotCatchUpBytes == 0 {
		out.SnapshotCatchUpBytes = DefaultSnapshotCatchUpBytes
	}
	if out.RequestTimeoutTicks == 0 {
		timeout := int64(5e9) + 2*int64(out.ElectionTicks)*out.TickInterval
		out.RequestTimeoutTicks = int(timeout / out.TickInterval)
	}
	if out.MaxRequestBytes == 0 {
		out.MaxRequestBytes = DefaultMaxRequestBytes
	}
	if out.DedupWindow == 0 {
		out.DedupWindow = 20000
	}
	if out.DedupBytes == 0 {
		out.DedupBytes = DefaultDedupBytes
	}
	if out.MaxSizePerMsg == 0 {
		out.MaxSizePerMsg = 1 << 20
	}
	if out.MaxInflightMsgs == 0 {
		out.MaxInflightMsgs = 256
	}
	if !out.Join && len(out.InitialMembers) == 0 {
		return out, errors.New("node: config: a new cluster needs InitialMembers")
	}
	return out, nil
}

// Byte bounds of what a node keeps beyond its live data (the defaults of Config.DedupBytes,
// Config.SnapshotBytes and Config.SnapshotCatchUpBytes).
const (
	DefaultDedupBytes           = 8 << 20
	DefaultSnapshotBytes        = 64 << 20
	DefaultSnapshotCatchUpBytes = 8 << 20
)
