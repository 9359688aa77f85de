package reports

// Run is everything a report shows about one lab run; the lab fills it in.
// Times are nanoseconds since the start of the run: virtual time in the
// simulator, wall-clock time when WallTime is set (real processes).
type Run struct {
	// Title is the report heading, e.g. the scenario name.
	Title string
	// Story is the scenario text or a one-paragraph description.
	Story string
	// Seed is the seed the run used.
	Seed int64
	// TraceHash is the hash of the run's trace, printed so replays can be compared.
	TraceHash string
	// ReplayCommand is the exact shell command that replays the run.
	ReplayCommand string
	// Nodes lists the cluster members in lane order.
	Nodes []NodeInfo
	// Samples are observations of each node's role, term and commit index.
	Samples []Sample
	// Faults are the nemesis windows (partitions, crashes, pauses, ...).
	Faults []FaultWindow
	// Ops are the client operations with their call and return times.
	Ops []OpPoint
	// Steps are slide-like snapshots of every node's log.
	Steps []Step
	// Narrative are the narrative lines the lab printed.
	Narrative []string
	// Verdict is the linearizability verdict.
	Verdict Verdict
	// Assertions are the story's assertions with their outcome.
	Assertions []Assertion
	// Failed is the lab's own verdict that the run failed for a reason the
	// assertions and the verdict may not show (an end-of-story check, a Raft
	// invariant the monitor saw broken). A failed assertion or a history that
	// is not linearizable fails the run whether Failed is set or not.
	Failed bool
	// Server says what ran the story ("" for the simulator, which the page
	// then names).
	Server string
	// WallTime marks a run on real processes: its times are wall-clock time
	// since the story began, not virtual time, and the page and figures say so.
	WallTime bool
	// NoLogs marks a run whose nodes' logs could not be seen (real processes):
	// the slides show roles, terms and commit indexes, say so, and draw no log
	// tables.
	NoLogs bool
	// Parent, when set, links the page one level up (a sweep's page from one
	// of its seeds), relative to the report directory.
	Parent Link
}

// Link is a hyperlink: the text shown and where it goes.
type Link struct {
	Text string
	Href string
}

// NodeInfo names one cluster member.
type NodeInfo struct {
	ID   uint64
	Name string
}

// Roles a Sample or a NodeLog may carry.
const (
	RoleLeader       = "leader"
	RoleFollower     = "follower"
	RoleCandidate    = "candidate"
	RolePreCandidate = "pre-candidate"
	RoleDown         = "down"
	RolePaused       = "paused"
)

// Sample is one observation of a node: from At on, until the node's next
// sample, it had this role, term and commit index.
type Sample struct {
	At     int64
	Node   uint64
	Role   string
	Term   uint64
	Commit uint64
}

// FaultWindow is a span of virtual time during which a fault was active.
// Nodes lists the affected nodes; it may be empty for cluster-wide faults.
type FaultWindow struct {
	Start, End int64
	Label      string
	Nodes      []uint64
}

// Outcomes an OpPoint may carry.
const (
	OutcomeOK      = "ok"
	OutcomeFail    = "fail"
	OutcomeUnknown = "unknown"
)

// OpPoint is one client operation. For an unknown outcome Return is when the
// client gave up; a Return before Call (e.g. 0) or math.MaxInt64 means it
// never returned: its latency is drawn as lasting until the end of the run
// and it does not stretch the time axis. Ok and fail ops must have
// Return >= Call.
type OpPoint struct {
	Client  int
	Kind    string
	Call    int64
	Return  int64
	Outcome string
}

// Step is a slide-like snapshot of every node's log at one moment: At is
// when the step ended, Events what happened during it (one line each).
type Step struct {
	At      int64
	Caption string
	Events  []string
	Logs    []NodeLog
}

// NodeLog is one node's log as shown in a Step. Name may be "" (the name
// from Run.Nodes is used) and so may Role (not shown). Commit is the node's
// Raft commit index.
type NodeLog struct {
	Node    uint64
	Name    string
	Role    string
	Term    uint64
	Commit  uint64
	Entries []LogCell
}

// LogCell is one log entry as shown in a Step table. Index is the entry's
// row: its position among the node's user entries, as the slides number
// them. RaftIndex is its index in the Raft log, which also counts the
// leaders' no-op and membership entries (0 when unknown). Term is the term
// the entry was created in (0 when unknown).
type LogCell struct {
	Index, Term uint64
	RaftIndex   uint64
	Text        string
	Committed   bool
}

// Verdict is the outcome of the linearizability check.
type Verdict struct {
	Linearizable bool
	// NotChecked says the history was not checked at all (Summary says why);
	// Linearizable is then ignored.
	NotChecked bool
	Summary    string
	Problems   []string
	// Notes are facts that are not violations (stale local reads, which etcd allows).
	Notes []string
	// VisualizationFile is porcupine's HTML visualisation, relative to the
	// report directory; "" when there is none.
	VisualizationFile string
}

// Assertion is one assertion of a story and whether it held. A skipped
// assertion (one the lab could not check, e.g. a log on real processes)
// neither passed nor failed: Skipped is set, Passed is ignored and Detail
// says why.
type Assertion struct {
	Line    int
	Text    string
	Passed  bool
	Skipped bool
	Detail  string
}

// Files are the paths Write produced.
type Files struct {
	// Index is the path of index.html.
	Index string
	// Figures are the paths of every figure file, PNG and SVG, in a fixed order.
	Figures []string
}
