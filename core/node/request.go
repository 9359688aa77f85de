package node

import (
	"errors"

	"github.com/raftlab/raftlab/core/raft"
	"github.com/raftlab/raftlab/core/store"
)

// RequestKind says what a submitted request asks for.
type RequestKind uint8

const (
	// KindWrite is a mutating key-space request (Write), replicated through the log.
	KindWrite RequestKind = iota + 1
	// KindQuorumGet is a linearizable read (quorum=true) served after a read-index round.
	KindQuorumGet
	// KindMemberAdd adds Member (with its ID already chosen by the caller) as a voter.
	KindMemberAdd
	// KindMemberAddLearner adds Member as a non-voting learner.
	KindMemberAddLearner
	// KindMemberPromote promotes learner MemberID to voter.
	KindMemberPromote
	// KindMemberRemove removes MemberID.
	KindMemberRemove
	// KindMemberUpdate replaces MemberID's peer URLs with Member.PeerURLs.
	KindMemberUpdate
	// KindMemberPublish publishes Member's name and client URLs (done by a member when it starts).
	KindMemberPublish
	// KindInternal writes the store's hidden internal namespace (cluster records such as the v2 auth
	// users and roles): Write.Op is OpSet or OpDelete, Write.Key the internal path, Write.Value the
	// value, Write.Recursive for deletes. Never reachable from the keys API.
	KindInternal
)

// Request is one client request. ID must be unique cluster-wide for distinct requests; a retry of the
// same request must reuse its ID so that it is applied at most once.
type Request struct {
	ID        uint64
	Kind      RequestKind
	Write     store.Request
	Key       string
	Recursive bool
	Sorted    bool
	Member    Member
	MemberID  uint64
	// Now is the caller's clock (unix ns) for reads: it only computes the ttl field of answers.
	Now int64
}

// Reply answers one request.
type Reply struct {
	ID        uint64
	Event     *store.Event
	Err       error
	EtcdIndex uint64
	RaftIndex uint64
	RaftTerm  uint64
	Member    *Member
}

// Errors a Reply may carry besides *store.Error. The texts are etcd's where etcd has one.
var (
	ErrTimeout       = errors.New("etcdserver: request timed out")
	ErrNoLeader      = errors.New("etcdserver: no leader")
	ErrTooLarge      = errors.New("etcdserver: request is too large")
	ErrStopped       = errors.New("etcdserver: server stopped")
	ErrRemoved       = errors.New("etcdserver: the member has been permanently removed from the cluster")
	ErrStorage       = errors.New("etcdserver: storage failed; the member no longer acknowledges writes")
	ErrBadRequest    = errors.New("etcdserver: malformed request")
	ErrIDExists      = errors.New("membership: ID exists")
	ErrPeerURLExists = errors.New("membership: peerURL exists")
	ErrIDNotFound    = errors.New("membership: member not found")
	ErrIDRemoved     = errors.New("membership: ID removed")
	ErrConfPending   = errors.New("etcdserver: a configuration change is already in progress")
	ErrNotLearner    = errors.New("membership: can only promote a learner member")
)

// Status is what a host or the lab may observe of a node.
type Status struct {
	ID      uint64
	Term    uint64
	Vote    uint64
	Lead    uint64
	Role    raft.Role
	Commit  uint64
	Applied uint64
	// EtcdIndex is the store's current index.
	EtcdIndex uint64
	Members   []Member
	Learners  []uint64
	// Removed is true once this member applied its own removal.
	Removed bool
	// Failed is the storage error that stopped this node, if any. A failed node reports itself a
	// follower without a leader and refuses every read and write.
	Failed error
	// Ready is true once this member serves clients: its attributes are published, or were already
	// recorded identically and it has caught up with the cluster (see Config.Name).
	Ready bool
	// Durable is as in Brief.
	Durable uint64
}

// Brief is Status without the member and learner lists: cheap enough to read after every input.
type Brief struct {
	ID        uint64
	Term      uint64
	Vote      uint64
	Lead      uint64
	Role      raft.Role
	Commit    uint64
	Applied   uint64
	EtcdIndex uint64
	Removed   bool
	Failed    error
	Ready     bool
	// Durable is the last log index this node has made durable (its storage's; its snapshot's when
	// the log is empty). A leader's Commit may count its own entries beyond it, whose fsync is in
	// flight (Raft thesis §10.2.1: nothing acts on that commit before they are durable); the
	// commit index up to Durable is one that durable copies on a quorum back.
	Durable uint64
	// MembershipVersion changes whenever the member list (names, URLs, learners) may have changed, so
	// a host can rebuild what it derives from Status().Members only then.
	MembershipVersion uint64
}

// ErrDropped is returned when raft refused a proposal for now (a leader transfer is in progress, or
// too many uncommitted entries): nothing was appended, the client may retry.
var ErrDropped = errors.New("etcdserver: proposal dropped, retry")
