package netsim

import (
	"github.com/raftlab/raftlab/core/faultpoint"
	"github.com/raftlab/raftlab/core/raft"
	"github.com/raftlab/raftlab/core/rng"
	"github.com/raftlab/raftlab/core/v2keys"
)

// Process is what runs on a simulated node: the real core/node.Node behind an adapter, or a small fake
// in the simulator's own tests. The simulator is its only caller and calls it from one goroutine.
type Process interface {
	// Tick advances the node by one tick; now is the node's own (possibly skewed) clock in ns.
	Tick(now int64)
	// Step hands the node a message from a peer.
	Step(m raft.Message)
	// Submit starts a replicated request (write, quorum read, membership change). Its Reply comes out
	// of a later Ready with the same ID.
	Submit(req Request)
	// Read serves a local (possibly stale) read at once.
	Read(req Request) Reply
	// Watch opens a stream watch on key from sinceIndex (0 = from now).
	Watch(key string, recursive bool, sinceIndex uint64) (WatchStream, error)
	// Ready drains the node's pending outputs: all of them, so that the host asks again only after
	// its next input to the process.
	Ready() Output
	// Persisted reports that persist batch seq is durable (err == nil) or failed.
	Persisted(seq uint64, err error)
	// Status is the node's observable state.
	Status() Status
	// LogEntries is the node's in-memory raft log (after its snapshot), oldest first.
	LogEntries() []raft.Entry
	// LogRange is the part of LogEntries with indexes in [lo, hi] (nil when none is held), at the
	// cost of the range: the simulator reads every applied entry through it.
	LogRange(lo, hi uint64) []raft.Entry
}

// ProcessSpec is everything a process factory needs to build or rebuild one node.
type ProcessSpec struct {
	ID uint64
	// Name is the node's name ("n1").
	Name string
	// Members are the bootstrap members (IDs and names) for an initial node, and every member
	// started so far for a node that joins at runtime, sorted by ID.
	Members []MemberSpec
	// Join is true for a node added at runtime.
	Join bool
	// Durable is the state recovered from the node's disk, nil for a fresh node.
	Durable *Durable
	// Rand is the node's own seeded generator (derived from the run seed).
	Rand *rng.Rand
	// TickInterval is the length of one tick in ns.
	TickInterval int64
	// Faults are the node's fault points for its core code (nil when none is armed).
	Faults *faultpoint.Set
}

// MemberSpec names one cluster member.
type MemberSpec struct {
	ID   uint64
	Name string
}

// ProcessFactory builds a process; it is called at start and at every restart.
type ProcessFactory func(spec ProcessSpec) (Process, error)

// Output is what a process hands the host after an input. The host is done with an Output (it
// copies what it keeps) before it calls Ready again, so a process may reuse the batch and the
// replies slice from one Ready to the next.
type Output struct {
	// Persist is the batch to make durable, or nil.
	Persist *PersistBatch
	// Messages are safe to send now.
	Messages []raft.Message
	// Replies answer earlier Submits.
	Replies []Reply
}

// PersistBatch is one group-commit batch: write it, fsync when MustSync, then report Persisted(Seq).
type PersistBatch struct {
	Seq       uint64
	HardState raft.HardState
	Entries   []raft.Entry
	Snapshot  raft.Snapshot
	MustSync  bool
}

// Durable is what a node's disk gives back after a restart.
type Durable struct {
	HardState raft.HardState
	Snapshot  raft.Snapshot
	Entries   []raft.Entry
	Metadata  []byte
}

// Status is the part of a node's state the simulator observes.
type Status struct {
	Term      uint64
	Lead      uint64
	Role      raft.Role
	Commit    uint64
	Applied   uint64
	EtcdIndex uint64
	// Durable is the last log index the node has made durable. A leader's Commit may count its own
	// entries beyond it while their fsync is in flight: the observers take the commit index only up
	// to Durable as committed (see Committed).
	Durable uint64
	// Failed is set once the node stopped acknowledging writes after a storage error.
	Failed error
	// Starting is true while the node does not serve clients yet (its attributes are not published,
	// or it has not caught up after a restart): client requests and watches wait until it serves.
	Starting bool
}

// RequestKind is the operation a simulated client asks for.
type RequestKind uint8

// The request kinds, one per etcd v2 operation the clients use, plus membership changes.
const (
	ReqGet RequestKind = iota + 1
	ReqQuorumGet
	ReqSet
	ReqCreate
	ReqUpdate
	ReqCompareAndSwap
	ReqDelete
	ReqCompareAndDelete
	ReqMemberAdd
	ReqMemberRemove
	// ReqCreateInOrder is a POST: it creates a key named after its index under the directory Key.
	ReqCreateInOrder
	// ReqMemberAddLearner adds Member as a learner; ReqMemberPromote promotes learner MemberID.
	ReqMemberAddLearner
	ReqMemberPromote
)

var requestKindNames = [...]string{"", "get", "qget", "set", "create", "update", "cas", "delete", "cad", "member-add",
	"member-remove", "post", "member-add-learner", "member-promote"}

// String is the history name of the kind ("get", "qget", "set", ..., "cad").
func (k RequestKind) String() string {
	if int(k) < len(requestKindNames) && k != 0 {
		return requestKindNames[k]
	}
	return "unknown"
}

// IsRead reports whether the kind reads the key space without changing it.
func (k RequestKind) IsRead() bool { return k == ReqGet || k == ReqQuorumGet }

// IsWrite reports whether the kind changes the key space.
func (k RequestKind) IsWrite() bool {
	return (k >= ReqSet && k <= ReqCompareAndDelete) || k == ReqCreateInOrder
}

// IsMember reports whether the kind changes the membership.
func (k RequestKind) IsMember() bool {
	return k == ReqMemberAdd || k == ReqMemberRemove || k == ReqMemberAddLearner || k == ReqMemberPromote
}

// Request is one client request in the simulator's neutral form; the process adapter translates it.
type Request struct {
	ID        uint64
	Kind      RequestKind
	Key       string
	Value     string
	PrevValue string
	PrevIndex uint64
	// TTL in ns; 0 means a permanent key.
	TTL int64
	// Dir is dir=true: a create or set makes a directory, a delete removes an empty one. Recursive
	// makes a delete remove a whole subtree. Refresh (with a TTL, without a value) renews a key's
	// TTL and keeps its value.
	Dir, Recursive, Refresh bool
	// Member is the member to add (ReqMemberAdd); MemberID the one to remove.
	Member   MemberSpec
	MemberID uint64
	// Now is the serving node's clock (ns) when the request reaches it.
	Now int64
}

// Reply answers one request.
type Reply struct {
	ID uint64
	// Found, Value and Index describe the node read or written (Index is its modifiedIndex). Key is
	// the node's key (for a POST, the key it created). A read that found a directory sets Dir, and
	// Value is then the directory's history.Listing.
	Found bool
	Value string
	Index uint64
	Key   string
	Dir   bool
	// Created is the node's createdIndex (0 for a deletion).
	Created uint64
	// ErrorCode is the etcd error code of a definite failure (100 key not found, 101 compare failed,
	// 105 node exists, ...). A definite failure did not change the key space.
	ErrorCode int
	// Err is set for any failure; with ErrorCode == 0 it is an indefinite one (timeout, no leader,
	// stopped): the request may or may not take effect.
	Err       error // EtcdIndex is the answer's X-Etcd-Index (0 when the process does not speak HTTP).
	EtcdIndex uint64
	// Wire, when its Status is set, is the answer as an HTTP client receives it: the client decodes
	// it into the fields above (decodeWire), as a v2 client reads a response. Process adapters of
	// the v2 API (nodehost) answer key-space requests so; the fields above are then left zero.
	Wire v2keys.Wire
}

// WatchEvent is one event seen by a watch stream.
type WatchEvent struct {
	Action string
	Key    string
	Index  uint64
	// Dir marks events of directory nodes.
	Dir bool
	// Live marks events delivered as they happened, not replayed from the event history.
	Live bool
	// Line, when set, is the event as a watch's body carries it (one JSON line): the watcher decodes
	// it into the fields above.
	Line []byte
}

// WatchStream is an open stream watch. The simulator polls it after every input to its node.
type WatchStream interface {
	// Poll returns the events queued since the last poll; closed is true once the stream ended (the
	// watcher fell behind and was removed).
	Poll() (events []WatchEvent, closed bool)
	// Close removes the watcher.
	Close()
}

// Committed is the commit index as far as durable copies back it: Commit, but no further than
// Durable. A leader counts its own copy of an entry toward the commit as soon as it appends it and
// sends it out, before its fsync (Raft thesis §10.2.1); it acts on that commit only once its copy is
// durable, and a power failure before then may leave the entry on fewer than a quorum of disks, to
// be overwritten by the next leader without anything having been committed. The monitors record as
// committed only what is committed, whatever the power does next.
func (st Status) Committed() uint64 { return min(st.Commit, st.Durable) }
