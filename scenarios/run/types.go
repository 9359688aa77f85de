package run

import (
	"io"
	"time"

	"github.com/raftlab/raftlab/checker"
	"github.com/raftlab/raftlab/checker/history"
	"github.com/raftlab/raftlab/core/node"
	"github.com/raftlab/raftlab/netsim"
	"github.com/raftlab/raftlab/scenarios/story"
)

// Options tune one run of a story.
type Options struct {
	// Seed overrides the story's seed when set.
	Seed *uint64
	// Out receives the narrative as it is produced; nil discards it (Result.Narrative keeps it).
	Out io.Writer
	// Bugs switches deliberate protocol bugs on in every node.
	Bugs node.Bugs
	// MaxVirtual bounds the story's virtual time (default 10 minutes); a story that would run
	// longer fails.
	MaxVirtual time.Duration
	// Trace, when set, receives the simulator's trace lines.
	Trace io.Writer
}

// Result is everything a run of a story produced.
type Result struct {
	Story *story.Story
	Seed  uint64
	// TraceHash is the simulator's trace hash (0 on real processes: not reproducible bit for bit).
	TraceHash uint64
	// Server says what ran the story (DriverInfo.Server); Wall that its times are wall-clock times.
	Server string
	Wall   bool
	// Passed is true when no expectation failed and every end-of-story check was clean. Skipped
	// statements and assertions neither pass nor fail: they are listed in Skipped.
	Passed bool
	// Failures are "file:line: expected …, got …" lines, in the order found.
	Failures []string
	// Skipped are "file:line: why" lines for what the driver could not do or observe ("file: why"
	// for a story setting, "end of story: why" for an end-of-story check).
	Skipped []string
	// Narrative is every line printed.
	Narrative []string
	// Steps are snapshots of the cluster at the end of each step.
	Steps []StepSnapshot
	// History is the clients' operations with the cluster's TTL expiries (checker/history): what
	// Verdict was computed from, and what a history file of the run holds.
	History []history.Op
	Watches []history.WatchRecord
	// Verdict is the linearizability check of the whole history at the end of the story.
	Verdict checker.Verdict
	// Monitor lists the Raft invariant violations seen.
	Monitor []string
	Samples []netsim.Sample
	Faults  []FaultWindow
	// VirtualTime is the time (ns) the story ended at: virtual time, or wall time since the story
	// began when Wall is set.
	VirtualTime int64
}

// StepSnapshot is the cluster as a step left it: what a slide shows.
type StepSnapshot struct {
	Caption string
	// At is the virtual time (ns) of the snapshot.
	At    int64
	Nodes []NodeSnapshot
	// Events are the step's notable events (elections, faults, client results).
	Events []string
}

// NodeSnapshot is one node's column of a slide.
type NodeSnapshot struct {
	Name string
	// Role is leader, follower, candidate, pre-candidate, down, paused or removed.
	Role   string
	Term   uint64
	Commit uint64
	// Cells are the node's user entries (the leader's no-op and membership entries left out).
	Cells []Cell
	// NoLog is set where the driver cannot see logs (real processes): Cells are then unknown, not
	// empty.
	NoLog bool
}

// Cell is one user entry in a node's log.
type Cell struct {
	// Position is 1-based among the node's user entries (the log row of the slides).
	Position int
	// Index and Term are the entry's Raft index and the term it was written in.
	Index, Term uint64
	Value       string
	Committed   bool
}

// FaultWindow is the virtual time span during which one fault was in force.
type FaultWindow struct {
	// Fault is the fault's text as applied (aliases replaced by node names).
	Fault string
	// Kind is network, crash, pause, link, disk, clock or member.
	Kind string
	// Nodes are the nodes concerned, when the fault names nodes.
	Nodes []string
	// Start is when the fault was applied; End when it was repaired (heal, restart, resume, net
	// reset, disk ok) or the story ended. Instant faults (clock steps, membership) have End == Start.
	Start, End int64
}
