package run

import (
	"fmt"
	"io"
	"strings"

	"github.com/raftlab/raftlab/checker"
	"github.com/raftlab/raftlab/netsim"
	"github.com/raftlab/raftlab/netsim/realnode"
	"github.com/raftlab/raftlab/scenarios/internal/observe"
	"github.com/raftlab/raftlab/scenarios/story"
)

// executor runs one story's statements against one simulation.
type executor struct {
	st         *story.Story
	sim        *netsim.Sim
	res        *Result
	out        io.Writer
	maxVirtual int64
	timeout    int64
	// names and ids are the cluster line's node names and their simulator IDs (n-th name = ID n).
	names []string
	ids   []uint64
	// aliases are the names bound by `let`; terms the term labels bound by assertions.
	aliases map[string]uint64
	terms   TermLabels
	// ops are the named client operations (and membership changes).
	ops     map[string]*namedOp
	opOrder []string
	watches map[string]*watchState
	removed map[uint64]bool
	// linFailedAt is the history length at the last failed `expect linearizable` (0: none), so
	// the end-of-story check does not report the same violation twice.
	linFailedAt int
	// lastRole is each node's last role, to narrate elections and step-downs.
	lastRole map[uint64]string
	monitor  *checker.Monitor
	truth    *observe.Committed
	open     []*FaultWindow
	probes   int
	anon     int
	// step is the current step (nil before the first).
	step    *StepSnapshot
	stopped bool
}

// namedOp is a client operation a later statement may refer to.
type namedOp struct {
	name     string
	pos      story.Pos
	desc     string
	call     *netsim.Call
	reported bool
}

// failf records a failed expectation at pos.
func (x *executor) failf(pos story.Pos, format string, args ...any) {
	msg := pos.String() + ": " + fmt.Sprintf(format, args...)
	x.res.Failures = append(x.res.Failures, msg)
	x.event("FAILED " + msg)
}

// event notes something notable in the current step.
func (x *executor) event(text string) {
	if x.step == nil {
		x.beginStep("(setup)")
	}
	x.step.Events = append(x.step.Events, fmt.Sprintf("%s %s", fmtTime(x.sim.Now()), text))
}

// exec runs one statement.
func (x *executor) exec(s *story.Stmt) {
	if s.Kind != story.KindStep {
		x.sim.Note(fmt.Sprintf("%s %s", s.Pos, s.Kind))
	}
	switch s.Kind {
	case story.KindStep:
		x.endStep()
		x.beginStep(s.Text)
		x.sim.Note("step " + s.Text)
	case story.KindSay:
		x.event("say: " + s.Text)
	case story.KindLet:
		id, err := x.resolve(s.Node)
		if err != nil {
			x.failf(s.Pos, "expected `let %s = %s` to name a node, got %v", s.Alias, s.Node, err)
			return
		}
		x.aliases[s.Alias] = id
		x.event(fmt.Sprintf("%s is %s", s.Alias, x.name(id)))
	case story.KindCampaign:
		id, err := x.resolve(s.Node)
		if err == nil {
			err = realnode.Campaign(x.sim, id)
		}
		if err != nil {
			x.failf(s.Pos, "expected %s to campaign, got %v", s.Node, err)
			return
		}
		x.event(x.name(id) + " times out and campaigns")
	case story.KindTransfer:
		x.transfer(s)
	case story.KindFault:
		x.fault(s)
	case story.KindOp:
		x.op(s)
	case story.KindWait:
		x.wait(s)
	case story.KindExpect:
		x.expect(s)
	}
}

func (x *executor) transfer(s *story.Stmt) {
	to, err := x.resolve(s.Node)
	if err != nil {
		x.failf(s.Pos, "expected a node to transfer leadership to, got %v", err)
		return
	}
	lead, _ := x.sim.Leader()
	if lead == 0 {
		x.failf(s.Pos, "expected a leader to transfer leadership from, got no leader")
		return
	}
	if err := realnode.TransferLeadership(x.sim, lead, to); err != nil {
		x.failf(s.Pos, "expected leadership transfer to %s, got %v", x.name(to), err)
		return
	}
	x.event(fmt.Sprintf("%s transfers leadership to %s", x.name(lead), x.name(to)))
}

// resolve turns a node reference (a cluster name, a member added at runtime, `leader` or an alias)
// into a simulator ID.
func (x *executor) resolve(ref string) (uint64, error) {
	if id, ok := x.aliases[ref]; ok {
		return id, nil
	}
	if ref == "leader" {
		id, _ := x.sim.Leader()
		if id == 0 {
			return 0, fmt.Errorf("no leader")
		}
		return id, nil
	}
	for i, n := range x.names {
		if n == ref {
			return x.ids[i], nil
		}
	}
	id, err := x.sim.NodeID(ref)
	if err != nil {
		return 0, fmt.Errorf("unknown node %q: %w", ref, err)
	}
	return id, nil
}

// resolveAll resolves a set of references.
func (x *executor) resolveAll(refs []string) ([]uint64, error) {
	out := make([]uint64, 0, len(refs))
	for _, r := range refs {
		id, err := x.resolve(r)
		if err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, nil
}

// name is the display name of a node: its name on the cluster line, or the simulator's.
func (x *executor) name(id uint64) string {
	for i, n := range x.ids {
		if n == id {
			return x.names[i]
		}
	}
	return x.sim.Name(id)
}

// names of several nodes, "{n1,n2}".
func (x *executor) setName(ids []uint64) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = x.name(id)
	}
	return "{" + strings.Join(parts, ",") + "}"
}

// runUntil runs the simulation until pred or d ns pass; it stops the story when the run would pass
// its virtual time budget.
func (x *executor) runUntil(pos story.Pos, pred func() bool, d int64) bool {
	limit := x.sim.Now() + d
	if limit > x.maxVirtual {
		ok := x.sim.RunUntil(pred, x.maxVirtual)
		if !ok {
			x.failf(pos, "expected the story to end within %s of virtual time, got more", fmtDur(x.maxVirtual))
			x.stopped = true
		}
		return ok
	}
	return x.sim.RunUntil(pred, limit)
}

// runFor runs d ns of virtual time.
func (x *executor) runFor(pos story.Pos, d int64) {
	x.runUntil(pos, func() bool { return false }, d)
}
