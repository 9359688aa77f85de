package run

import (
	"fmt"
	"io"
	"strings"

	"github.com/raftlab/raftlab/scenarios/story"
)

// executor runs one story's statements on one driver.
type executor struct {
	st         *story.Story
	d          Driver
	info       DriverInfo
	res        *Result
	out        io.Writer
	maxVirtual int64
	// ids are the cluster line's node IDs (the n-th name is ID n).
	ids []uint64
	// aliases are the names bound by `let`; terms the term labels bound by assertions.
	aliases map[string]uint64
	terms   TermLabels
	// ops are the named client operations (and membership changes).
	ops     map[string]*namedOp
	opOrder []string
	watches map[string]Watch
	// skipped are the names of operations and watches the driver could not start: what a later
	// statement asks of them is skipped too.
	skipped map[string]bool
	removed map[uint64]bool
	// linFailedAt is the history length at the last failed `expect linearizable` (0: none), so
	// the end-of-story check does not report the same violation twice.
	linFailedAt int
	// campaigned is set by a campaign the driver could only emulate, until the next wait: the
	// instant the story describes right after `campaign` has passed (see expect).
	campaigned bool
	open       []*FaultWindow
	probes     int
	anon       int
	// step is the current step (nil before the first).
	step    *StepSnapshot
	stopped bool
}

// namedOp is a client operation a later statement may refer to.
type namedOp struct {
	name     string
	pos      story.Pos
	desc     string
	call     Call
	reported bool
}

// failf records a failed expectation at pos.
func (x *executor) failf(pos story.Pos, format string, args ...any) {
	msg := pos.String() + ": " + fmt.Sprintf(format, args...)
	x.res.Failures = append(x.res.Failures, msg)
	x.event("FAILED " + msg)
}

// skipf records a statement or an assertion the driver cannot perform or check: it is neither
// passed nor failed, and said so in the narrative, the counts and the report.
func (x *executor) skipf(pos story.Pos, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	x.res.Skipped = append(x.res.Skipped, posString(pos)+": "+msg)
	x.event("SKIPPED " + msg)
}

// markSkipped notes that the operation or watch name (when it has one) was skipped.
func (x *executor) markSkipped(name string) {
	if name != "" {
		x.skipped[name] = true
	}
}

// skippedName skips a statement about the operation or watch name when name was skipped, and says
// whether it did.
func (x *executor) skippedName(pos story.Pos, what, name string) bool {
	if !x.skipped[name] {
		return false
	}
	x.skipf(pos, "%s: %s was skipped", what, name)
	return true
}

// posString is FILE:LINE, or FILE for a story-wide setting (line 0).
func posString(pos story.Pos) string {
	if pos.Line == 0 {
		return pos.File
	}
	return pos.String()
}

// event notes something notable in the current step, after what the driver saw happen before it.
func (x *executor) event(text string) {
	x.driverEvents()
	x.addEvent(x.d.Now(), text)
}

// driverEvents narrates what the driver saw happen since it was last asked.
func (x *executor) driverEvents() {
	for _, e := range x.d.Events() {
		x.addEvent(e.At, e.Text)
	}
}

func (x *executor) addEvent(at int64, text string) {
	if x.step == nil {
		x.beginStep("(setup)")
	}
	x.step.Events = append(x.step.Events, fmt.Sprintf("%s %s", fmtTime(at), text))
}

// noteUnsupportedSettings reports, once, the story's settings the driver cannot honour.
func (x *executor) noteUnsupportedSettings() {
	for _, s := range x.info.Unsupported {
		if (s.Name == SettingCheckQuorumOff && !x.st.CheckQuorum) || (s.Name == SettingPreVoteOff && !x.st.PreVote) {
			x.skipf(story.Pos{File: x.st.File}, "%s: %s", s.Name, s.Why)
		}
	}
}

// exec runs one statement.
func (x *executor) exec(s *story.Stmt) {
	if s.Kind != story.KindStep {
		x.d.Note(fmt.Sprintf("%s %s", s.Pos, s.Kind))
	}
	switch s.Kind {
	case story.KindStep:
		x.endStep()
		x.beginStep(s.Text)
		x.d.Note("step " + s.Text)
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
		x.campaign(s)
	case story.KindTransfer:
		x.transfer(s)
	case story.KindFault:
		x.fault(s)
	case story.KindOp:
		x.op(s)
	case story.KindWait:
		x.campaigned = false
		x.wait(s)
	case story.KindExpect:
		x.expect(s)
	}
}

func (x *executor) campaign(s *story.Stmt) {
	id, err := x.resolve(s.Node)
	if err == nil {
		err = x.d.Campaign(id)
	}
	if x.unsupported(s.Pos, err) {
		return
	}
	if err != nil {
		x.failf(s.Pos, "expected %s to campaign, got %v", s.Node, err)
		return
	}
	if x.info.InstantCampaign {
		x.event(x.name(id) + " times out and campaigns")
		return
	}
	x.campaigned = true
	_, term := x.d.Leader()
	x.event(fmt.Sprintf("%s campaigns and leads in term %d (emulated: only %s could reach a majority until it won)",
		x.name(id), term, x.name(id)))
}

func (x *executor) transfer(s *story.Stmt) {
	to, err := x.resolve(s.Node)
	if err != nil {
		x.failf(s.Pos, "expected a node to transfer leadership to, got %v", err)
		return
	}
	lead, _ := x.d.Leader()
	if lead == 0 {
		x.failf(s.Pos, "expected a leader to transfer leadership from, got no leader")
		return
	}
	err = x.d.TransferLeadership(lead, to)
	if x.unsupported(s.Pos, err) {
		return
	}
	if err != nil {
		x.failf(s.Pos, "expected leadership transfer to %s, got %v", x.name(to), err)
		return
	}
	x.event(fmt.Sprintf("%s transfers leadership to %s", x.name(lead), x.name(to)))
}

// resolve turns a node reference (a cluster name, a member added at runtime, `leader` or an alias)
// into a node ID.
func (x *executor) resolve(ref string) (uint64, error) {
	if id, ok := x.aliases[ref]; ok {
		return id, nil
	}
	if ref == "leader" {
		id, _ := x.d.Leader()
		if id == 0 {
			return 0, fmt.Errorf("no leader")
		}
		return id, nil
	}
	id, err := x.d.NodeID(ref)
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

// name is the display name of a node.
func (x *executor) name(id uint64) string { return x.d.Name(id) }

// names of several nodes, "{n1,n2}".
func (x *executor) setName(ids []uint64) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = x.name(id)
	}
	return "{" + strings.Join(parts, ",") + "}"
}

// runUntil lets time pass until pred or d ns pass; it stops the story when the run would pass its
// time budget.
func (x *executor) runUntil(pos story.Pos, pred func() bool, d int64) bool {
	limit := x.d.Now() + d
	if limit > x.maxVirtual {
		ok := x.d.RunUntil(pred, x.maxVirtual)
		if !ok {
			x.failf(pos, "expected the story to end within %s of %s, got more", fmtDur(x.maxVirtual), x.timeWord())
			x.stopped = true
		}
		return ok
	}
	return x.d.RunUntil(pred, limit)
}

// timeWord is what the story's time is: virtual time in the simulator, wall time on real processes.
func (x *executor) timeWord() string {
	if x.info.Wall {
		return "wall time"
	}
	return "virtual time"
}

// runFor lets d ns pass.
func (x *executor) runFor(pos story.Pos, d int64) {
	x.runUntil(pos, func() bool { return false }, d)
}
