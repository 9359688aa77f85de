package story

import (
	"fmt"
	"time"

	"github.com/raftlab/raftlab/nemesis"
)

// Pos is where a statement stands in its story file.
type Pos struct {
	File string
	Line int
}

func (p Pos) String() string { return fmt.Sprintf("%s:%d", p.File, p.Line) }

// Story is a parsed story file.
type Story struct {
	Name  string
	Title string
	File  string
	// Nodes are the node names of the cluster line, in order (n1 … n5).
	Nodes     []string
	Seed      uint64
	Heartbeat time.Duration
	Election  time.Duration
	// LatencyMin and LatencyMax bound one-way network latency.
	LatencyMin, LatencyMax time.Duration
	// CheckQuorum and PreVote are on unless the story turns them off (`check-quorum off`).
	CheckQuorum, PreVote bool
	Stmts                []Stmt
}

// Kind is a statement's verb.
type Kind string

// The statement kinds.
const (
	KindStep     Kind = "step"     // a new slide: Text is its caption
	KindSay      Kind = "say"      // a narrative line
	KindLet      Kind = "let"      // Alias = Node (resolved when executed)
	KindCampaign Kind = "campaign" // Node starts an election now
	KindTransfer Kind = "transfer" // leadership transfer to Node
	KindFault    Kind = "fault"    // Text is a nemesis fault in its text form
	KindOp       Kind = "op"       // a client operation
	KindWait     Kind = "wait"     // wait for Duration, or until Cond (at most Duration)
	KindExpect   Kind = "expect"   // an assertion
)

// Stmt is one statement. Which fields are set depends on Kind.
type Stmt struct {
	Pos      Pos
	Kind     Kind
	Text     string
	Node     string
	Nodes    []string
	Alias    string
	Duration time.Duration
	Op       *Op
	Cond     *Cond
	Expect   *Expect
	// Name is a membership fault's `as NAME`, which later lines use like an operation's name.
	Name string
	// fault is a KindFault's parsed fault (Text keeps the line as written).
	fault nemesis.Fault
}

// Op is a client operation: `set /message much on leader as w1 async`.
type Op struct {
	// Verb: get, qget, set, create, update, cas, delete, cad, mkdir, watch.
	Verb      string
	Key       string
	Value     string
	PrevValue string
	PrevIndex uint64
	// PrevIndexOf names an earlier operation whose modifiedIndex is the prev-index to compare
	// against (`prev-index of NAME`: a fencing token).
	PrevIndexOf string
	TTL         time.Duration
	HasTTL      bool
	Recursive   bool
	// On is the node the client talks to ("leader" when not given).
	On string
	// Name lets later statements refer to the operation's result.
	Name string
	// Async starts the operation and goes on without waiting for its result.
	Async bool
}

// Cond is what a wait waits for.
type Cond struct {
	// What: "leader" (a leader elected, optionally within Nodes), "role" (Node has Role),
	// "done" (operation Name completed), "converged" (every live node has the same log).
	What  string
	Nodes []string
	Node  string
	Role  string
	Name  string
}

// LogCell is one row of a slide's log table: `2 wow (uncommitted)`.
type LogCell struct {
	Position  int
	Value     string
	Committed bool
}

// TermRef is a term as an assertion names it. Raft promises that terms only grow and that a term
// has at most one leader, not which number an election ends in (a split vote spends a term), so a
// story names terms by label: the first assertion that uses a label binds it to the term it saw,
// later ones must see the same term, and `after LABEL` asks for a later term than LABEL's.
type TermRef struct {
	// Number is a literal term, used when Label and After are empty.
	Number uint64
	// Label names the term ("T2"); "" when the term is a number or only a relation.
	Label string
	// After, when set, requires a term later than the one bound to this label.
	After string
}

// String renders the reference the way a story writes it: "2", "T2", "T2 after T1", "after T1".
func (t TermRef) String() string {
	switch {
	case t.Label != "" && t.After != "":
		return t.Label + " after " + t.After
	case t.Label != "":
		return t.Label
	case t.After != "":
		return "after " + t.After
	}
	return fmt.Sprint(t.Number)
}

// Expect is an assertion.
type Expect struct {
	// What: "leader", "no-leader", "role", "term", "log", "committed", "available", "unavailable",
	// "result", "watch", "linearizable", "one-ok".
	What  string
	Node  string
	Nodes []string
	Role  string
	// Term is the term a "leader" assertion names (nil: any term) or the term of "term".
	Term  *TermRef
	Cells []LogCell
	Count int
	// Name is the client operation or watch the assertion is about.
	Name string
	// Names are the operations of "one-ok" (`expect one of {a,b,c} ok`: exactly one succeeded).
	Names []string
	// Outcome for "result": ok, fail, timeout, not-ok, not-found (a read that succeeded and found no
	// key), value, error.
	Outcome   string
	Value     string
	ErrorCode int
	Cause     string
	// Events for "watch": `set /a`, `delete /b` in order.
	Events []string
}
