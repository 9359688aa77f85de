package raft

import "errors"

// None is the zero node ID: "no leader", "no vote".
const None uint64 = 0

// EntryType tells how the host must treat an entry's Data when it applies it.
type EntryType uint8

const (
	// EntryNormal carries an opaque application command (for raftlab: a store request).
	EntryNormal EntryType = iota
	// EntryConfChange carries an encoded ConfChange; the host must call ApplyConfChange when it applies it.
	EntryConfChange
	// EntryNoop is the empty entry a new leader appends at the start of its term.
	EntryNoop
)

// Entry is one log entry.
type Entry struct {
	Term  uint64
	Index uint64
	Type  EntryType
	Data  []byte
}

// HardState is the state a node must persist before it sends any message that depends on it.
type HardState struct {
	Term   uint64
	Vote   uint64
	Commit uint64
}

// IsEmpty reports whether h is the zero hard state.
func (h HardState) IsEmpty() bool { return h == HardState{} }

// ConfState is the cluster membership: the voters and the non-voting learners, each sorted ascending.
type ConfState struct {
	Voters   []uint64
	Learners []uint64
}

// SnapshotMetadata says which log prefix a snapshot replaces and the membership at that point.
type SnapshotMetadata struct {
	Index     uint64
	Term      uint64
	ConfState ConfState
}

// Snapshot is a state-machine image plus its metadata. Data is opaque to raft.
type Snapshot struct {
	Metadata SnapshotMetadata
	Data     []byte
}

// IsEmpty reports whether s carries no snapshot.
func (s Snapshot) IsEmpty() bool { return s.Metadata.Index == 0 }

// MessageType names a Raft message.
type MessageType uint8

// The message types. Local messages (MsgHup, MsgBeat, MsgProp from the host) never cross the network
// except MsgProp, which a follower may forward to its leader.
const (
	MsgHup MessageType = iota
	MsgBeat
	MsgProp
	MsgApp
	MsgAppResp
	MsgVote
	MsgVoteResp
	MsgPreVote
	MsgPreVoteResp
	MsgSnap
	MsgHeartbeat
	MsgHeartbeatResp
	MsgTimeoutNow
	MsgReadIndex
	MsgReadIndexResp
	MsgTransferLeader
	MsgUnreachable
	MsgSnapStatus
	MsgCheckQuorum
)

var messageTypeNames = [...]string{
	"MsgHup", "MsgBeat", "MsgProp", "MsgApp", "MsgAppResp", "MsgVote", "MsgVoteResp", "MsgPreVote",
	"MsgPreVoteResp", "MsgSnap", "MsgHeartbeat", "MsgHeartbeatResp", "MsgTimeoutNow", "MsgReadIndex",
	"MsgReadIndexResp", "MsgTransferLeader", "MsgUnreachable", "MsgSnapStatus", "MsgCheckQuorum",
}

// String names the message type, e.g. "MsgApp".
func (t MessageType) String() string {
	if int(t) < len(messageTypeNames) {
		return messageTypeNames[t]
	}
	return "MsgUnknown"
}

// Message is the unit of communication between Raft nodes. Field use depends on Type and follows
// the etcd-io/raft conventions: Index/LogTerm describe the entry preceding Entries in MsgApp, the
// candidate's last entry in MsgVote/MsgPreVote, and the acknowledged index in MsgAppResp.
type Message struct {
	Type    MessageType
	From    uint64
	To      uint64
	Term    uint64
	LogTerm uint64
	Index   uint64
	Commit  uint64
	Entries []Entry
	// Snapshot is set only on MsgSnap.
	Snapshot *Snapshot
	Reject   bool
	// RejectHint is the follower's conflict hint on a rejected MsgAppResp: the index to retry from.
	RejectHint uint64
	// Context carries read-index request contexts and campaign reasons (leader transfer).
	Context []byte
}

// ConfChangeType is the kind of membership change.
type ConfChangeType uint8

const (
	// ConfChangeAddNode adds a voter (or promotes an existing learner to voter).
	ConfChangeAddNode ConfChangeType = iota
	// ConfChangeRemoveNode removes a voter or learner.
	ConfChangeRemoveNode
	// ConfChangeAddLearner adds a non-voting learner that receives the log but does not count for quorum.
	ConfChangeAddLearner
)

// ConfChange is a single-server membership change. Context is opaque to raft (raftlab puts the
// member's name and URLs there).
type ConfChange struct {
	Type    ConfChangeType
	NodeID  uint64
	Context []byte
}

// ReadState says that the read request with RequestCtx may be served once the local state machine
// has applied Index.
type ReadState struct {
	Index      uint64
	RequestCtx []byte
}

// Role is a node's part in the protocol.
type Role uint8

// The roles. RolePreCandidate is a follower running a pre-vote (Config.PreVote).
const (
	RoleFollower Role = iota
	RoleCandidate
	RoleLeader
	RolePreCandidate
)

// String names the role.
func (r Role) String() string {
	switch r {
	case RoleFollower:
		return "follower"
	case RoleCandidate:
		return "candidate"
	case RoleLeader:
		return "leader"
	case RolePreCandidate:
		return "pre-candidate"
	}
	return "unknown"
}

// SoftState is volatile state that the host may want to observe; it need not be persisted.
type SoftState struct {
	Lead uint64
	Role Role
}

// Rand is the only source of randomness raft uses (election timeouts). The host passes a seeded
// generator so that a simulated run is a pure function of its seed.
type Rand interface {
	// Intn returns a uniform integer in [0, n).
	Intn(n int) int
}

// Errors returned by the proposal entry points. Callers always get one of these or success: a
// proposal is never silently dropped.
var (
	// ErrProposalDropped: the proposal could not be accepted now (for example during a leader transfer).
	ErrProposalDropped = errors.New("raft proposal dropped")
	// ErrCompacted: the requested index is older than the first index kept.
	ErrCompacted = errors.New("requested index is unavailable due to compaction")
	// ErrUnavailable: the requested entries are not available yet.
	ErrUnavailable = errors.New("requested entry at index is unavailable")
	// ErrSnapOutOfDate: the snapshot is older than the one already held.
	ErrSnapOutOfDate = errors.New("requested index is older than the existing snapshot")
	// ErrConfChangePending: another configuration change has not been applied yet.
	ErrConfChangePending = errors.New("raft: a configuration change is already pending")
)

// NotLeaderError is returned when a request that only a leader can serve reaches a non-leader.
// Leader is the leader this node knows of, or None.
type NotLeaderError struct {
	Leader uint64
}

// Error implements error.
func (e *NotLeaderError) Error() string {
	if e.Leader == None {
		return "raft: not leader (no leader known)"
	}
	return "raft: not leader"
}
