package run

import (
	"errors"
	"fmt"
	"time"

	"github.com/raftlab/raftlab/checker/history"
	"github.com/raftlab/raftlab/nemesis"
	"github.com/raftlab/raftlab/netsim"
)

// Driver is what the story executor runs a story on: the simulator (Run) or real processes of any
// etcd-compatible server (Real). The executor holds the story's semantics; a driver only acts and
// observes. An action or observation a driver cannot do returns an error wrapping
// errors.ErrUnsupported, which the executor reports as skipped, never as passed.
//
// Nodes have IDs: the cluster line's n-th node is ID n, members added later get the next IDs.
type Driver interface {
	// Describe says what runs the story and how its observations behave.
	Describe() DriverInfo
	// Nodes are every started node's ID, in order.
	Nodes() []uint64
	// Name is node id's name; NodeID the ID of a node by name.
	Name(id uint64) string
	NodeID(name string) (uint64, error)
	// Now is the time since the story began, in ns: virtual or wall time (DriverInfo.Wall).
	Now() int64

	// Status is node id's state now.
	Status(id uint64) NodeStatus
	// Log is node id's log, when the driver can see it (ErrUnsupported otherwise).
	Log(id uint64) (NodeLog, error)
	// Leader is the live leader with the highest term (0 when none) and its term.
	Leader() (id, term uint64)
	// Connected says whether a and b exchange messages both ways now.
	Connected(a, b uint64) bool

	// Do starts a client operation; target 0 lets the client start at the leader and fail over.
	Do(req Request, target uint64) (Call, error)
	// CallBudget is the longest an operation sent to target (0: any node) can take.
	CallBudget(target uint64) int64
	// Mkdir creates a directory (not a register operation: it is not in the history).
	Mkdir(key string, ttl time.Duration, hasTTL bool) (Call, error)
	// Watch starts a watch of key from the cluster's next index.
	Watch(key string, recursive bool) (Watch, error)
	// AddMember starts a member called name and adds it; RemoveMember removes node id. Their calls
	// complete when the change does.
	AddMember(name string) (uint64, Call, error)
	RemoveMember(id uint64) (Call, error)

	// Faults is what nemesis faults act on.
	Faults() nemesis.Target
	// Campaign makes node id start an election; TransferLeadership moves leadership from → to.
	Campaign(id uint64) error
	TransferLeadership(from, to uint64) error

	// RunUntil lets time pass until pred holds or the time (ns since the start) reaches limit, and
	// reports whether pred held.
	RunUntil(pred func() bool, limit int64) bool
	// Note records a line in the run's trace.
	Note(text string)
	// Events returns, and forgets, what the driver saw happen since the last call (elections,
	// step-downs), in order.
	Events() []Event
	// History is the client operations so far, with the cluster's TTL expiries (checker/history).
	History() []history.Op
	// Finish ends the run (real processes are stopped) and returns the driver's end-of-story checks.
	Finish() Ending
}

// DriverInfo describes a driver.
type DriverInfo struct {
	// Server says what runs the nodes: "the simulator", or a server's name, version and binary.
	Server string
	// Wall is true when time is wall-clock time, false for the simulator's virtual time.
	Wall bool
	// Lag is how long an observation may trail what caused it (a watch event a little after the
	// write that caused it returned): 0 in the simulator, whose observations are exact.
	Lag time.Duration
	// InstantCampaign is true when a campaign starts an election at the instant the story says
	// (the simulator); false when it is emulated and done only once the node has won.
	InstantCampaign bool
	// TermsAsLabels is true when the story's term numbers cannot be predicted (real clusters spend
	// terms on their bootstrap election and on split votes): numbers are then matched as ordered
	// labels (see TermLabels).
	TermsAsLabels bool
	// Unsupported are the story's settings the driver cannot honour ("check-quorum off"), with why.
	Unsupported []Setting
}

// Setting is a story setting a driver cannot honour.
type Setting struct {
	// Name is the setting as the story writes it: "check-quorum off" or "pre-vote off".
	Name string
	// Why says what the driver does instead.
	Why string
}

// The settings a driver may be unable to honour.
const (
	SettingCheckQuorumOff = "check-quorum off"
	SettingPreVoteOff     = "pre-vote off"
)

// cannotHonour says whether the driver cannot honour the setting.
func (i DriverInfo) cannotHonour(name string) bool {
	for _, s := range i.Unsupported {
		if s.Name == name {
			return true
		}
	}
	return false
}

// NodeStatus is a node's state as a driver observes it.
type NodeStatus struct {
	// Role is leader, follower, candidate, pre-candidate, down (crashed or stopped), paused, or
	// unreachable (running, but it does not answer).
	Role string
	// Term and Commit are the node's Raft term and commit index; Index the etcd index it applied.
	Term, Commit, Index uint64
}

// up says whether the node runs and answers.
func (s NodeStatus) up() bool {
	return s.Role != roleDown && s.Role != rolePaused && s.Role != roleUnreachable
}

// The roles a driver reports besides Raft's.
const (
	roleDown        = "down"
	rolePaused      = "paused"
	roleUnreachable = "unreachable"
	roleRemoved     = "removed"
)

// NodeLog is a node's log as far as a story looks at it.
type NodeLog struct {
	// Cells are the user entries, numbered among user entries as the slides do.
	Cells []Cell
	// LastIndex and LastTerm name the last entry of the whole log (internal entries included).
	LastIndex, LastTerm uint64
}

// Request is a client operation of a story.
type Request struct {
	Kind                  history.Kind
	Key, Value, PrevValue string
	PrevIndex             uint64
	TTL                   time.Duration
	HasTTL                bool
	// Recursive is a recursive get or delete.
	Recursive bool
}

// Call is a client operation (or membership change) in progress.
type Call interface {
	// Done says whether it completed (ok, fail or unknown).
	Done() bool
	// Op is the recorded operation (meaningful once Done).
	Op() history.Op
	// Err is its error for the fail and unknown outcomes.
	Err() error
	// Cause is the cause text of the etcd error it failed with, if any.
	Cause() string
}

// Watch is a story's watch.
type Watch interface {
	// Since is the first etcd index the watch owes events for.
	Since() uint64
	// Events are the events received so far, as "action key", and why the watch stopped if it did.
	Events() ([]string, error)
}

// Event is something a driver saw happen.
type Event struct {
	At   int64
	Text string
}

// Ending is what a driver adds to the end of a story.
type Ending struct {
	// Checks are the driver's end-of-story checks, in order.
	Checks []Check
	// Watches are the watchers' records (the simulator's), for the run's files.
	Watches []history.WatchRecord
	// Monitor are the Raft invariant violations seen (the simulator's).
	Monitor []string
	// Samples are the nodes' roles, terms and commit indexes over time.
	Samples []netsim.Sample
	// TraceHash is the run's trace hash (0 when the run is not reproducible).
	TraceHash uint64
}

// Check is one end-of-story check: a failure, a note, or a check the driver cannot make.
type Check struct {
	// Failure is "expected ..., got ..." when the check failed.
	Failure string
	// Note is narrated as it is.
	Note string
	// Skipped says why the check cannot be made.
	Skipped string
}

// unsupportedError is what a driver cannot do, with why; it matches errors.ErrUnsupported.
type unsupportedError struct{ why string }

func (e *unsupportedError) Error() string        { return e.why }
func (e *unsupportedError) Is(target error) bool { return target == errors.ErrUnsupported }

// unsupportedf says why a driver cannot do something, as an error matching errors.ErrUnsupported.
func unsupportedf(format string, args ...any) error {
	return &unsupportedError{why: fmt.Sprintf(format, args...)}
}
