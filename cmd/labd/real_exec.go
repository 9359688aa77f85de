package main

import (
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"sync"
	"time"

	"github.com/raftlab/raftlab/checker"
	"github.com/raftlab/raftlab/checker/history"
	"github.com/raftlab/raftlab/cmd/labd/internal/realcluster"
	"github.com/raftlab/raftlab/internal/human"
	"github.com/raftlab/raftlab/reports"
	"github.com/raftlab/raftlab/scenarios/story"
)

// realPoll is how often waits look at the cluster again.
const realPoll = 20 * time.Millisecond

// realExecutor runs one story's statements against a real cluster, in real time.
type realExecutor struct {
	st      *story.Story
	src     storySource
	c       *realcluster.Cluster
	out     io.Writer
	start   time.Time
	rng     *rand.Rand
	timeout time.Duration
	aliases map[string]string
	// pendingOpen: the cluster still has every link cut from its start; the first fault or
	// campaign decides how the links open.
	pendingOpen bool
	// terms relates the story's terms to the real ones (see termMap).
	terms termMap
	// watches are the story's watches by name; expiries follows the TTL keys' expiries.
	watches  map[string]*realWatch
	expiries *realExpiries

	mu      sync.Mutex // guards history and every realOp's result (async operations finish concurrently)
	history []history.Op

	ops        map[string]*realOp
	opOrder    []string
	clients    int
	anon       int
	probes     int
	failures   []string
	skipped    []string
	assertions []reports.Assertion
	narrative  []string
	steps      []reports.Step
	caption    string
	faults     []openFault
	verdict    *checker.Verdict
	// checked is the history the final verdict was computed from.
	checked []history.Op
	sampler *realSampler
}

// realResult is what a real run produced.
type realResult struct {
	Passed   bool
	Failures []string
	Skipped  []string
	History  []history.Op
	Verdict  checker.Verdict
	Run      reports.Run
}

// now is the time since the run started, in nanoseconds (the history's clock).
func (x *realExecutor) now() int64 { return int64(time.Since(x.start)) }

// say prints one narrative line.
func (x *realExecutor) say(line string) {
	x.narrative = append(x.narrative, line)
	if x.out != nil {
		fmt.Fprintln(x.out, line)
	}
}

// event prints a timestamped narrative line.
func (x *realExecutor) event(line string) {
	x.say(fmt.Sprintf("  [%7.3fs] %s", time.Since(x.start).Seconds(), line))
}

// failf records a failed expectation at pos.
func (x *realExecutor) failf(pos story.Pos, format string, args ...any) {
	msg := fmt.Sprintf("%s: %s", pos, fmt.Sprintf(format, args...))
	x.failures = append(x.failures, msg)
	x.event("FAIL " + msg)
	x.assert(pos, false, fmt.Sprintf(format, args...))
}

// skipf records a statement that cannot be done on real processes: never silently ignored.
func (x *realExecutor) skipf(pos story.Pos, format string, args ...any) {
	msg := fmt.Sprintf("%s: %s", posString(pos), fmt.Sprintf(format, args...))
	x.skipped = append(x.skipped, msg)
	x.event("skipped: " + fmt.Sprintf(format, args...))
	if pos.Line > 0 {
		x.assertions = append(x.assertions, reports.Assertion{Line: pos.Line, Text: storyLine(x.src.Text, pos.Line),
			Skipped: true, Detail: fmt.Sprintf(format, args...)})
	}
}

// posString is FILE:LINE, or FILE for a story-wide setting (line 0).
func posString(pos story.Pos) string {
	if pos.Line == 0 {
		return pos.File
	}
	return pos.String()
}

// assert records an assertion's outcome for the report (one row per line, the first failure wins).
func (x *realExecutor) assert(pos story.Pos, passed bool, detail string) {
	for i := range x.assertions {
		if x.assertions[i].Line == pos.Line {
			if !passed && (x.assertions[i].Passed || x.assertions[i].Skipped) {
				x.assertions[i].Passed, x.assertions[i].Skipped, x.assertions[i].Detail = false, false, detail
			}
			return
		}
	}
	x.assertions = append(x.assertions, reports.Assertion{Line: pos.Line, Text: storyLine(x.src.Text, pos.Line),
		Passed: passed, Detail: detail})
}

// storyLine is line n (1-based) of text, trimmed.
func storyLine(text []byte, n int) string {
	lines := strings.Split(string(text), "\n")
	if n < 1 || n > len(lines) {
		return ""
	}
	return strings.TrimSpace(lines[n-1])
}

// run executes every statement, then checks the whole history.
func (x *realExecutor) run() {
	x.noteUnsupportedSettings()
	for i := range x.st.Stmts {
		s := &x.st.Stmts[i]
		if s.Kind != story.KindStep && s.Kind != story.KindSay && s.Kind != story.KindLet &&
			s.Kind != story.KindCampaign && x.pendingOpen {
			x.openLinks()
		}
		x.exec(s)
		x.reportAsync()
	}
	if x.pendingOpen {
		x.openLinks()
	}
	x.endStep()
	x.finish()
}

// noteUnsupportedSettings reports the story settings kvd cannot reproduce.
func (x *realExecutor) noteUnsupportedSettings() {
	pos := story.Pos{File: x.st.File}
	if !x.st.CheckQuorum {
		x.skipf(pos, "check-quorum off: kvd always runs with check-quorum, so a leader cut off from a majority steps down after an election timeout; a leader/role expectation about such a node that fails is reported as skipped")
	}
	if !x.st.PreVote {
		x.skipf(pos, "pre-vote off: kvd always runs with pre-vote")
	}
}

// exec runs one statement.
func (x *realExecutor) exec(s *story.Stmt) {
	switch s.Kind {
	case story.KindStep:
		x.endStep()
		x.caption = s.Text
		x.say("")
		x.say("== " + s.Text)
	case story.KindSay:
		x.say("  " + s.Text)
	case story.KindLet:
		name, err := x.resolve(s.Node)
		if err != nil {
			x.failf(s.Pos, "expected %s to name a node, got %v", s.Node, err)
			return
		}
		x.aliases[s.Alias] = name
		x.event(fmt.Sprintf("let %s = %s (%s)", s.Alias, s.Node, name))
	case story.KindCampaign:
		x.campaign(s)
	case story.KindTransfer:
		x.skipf(s.Pos, "transfer %s: kvd has no leadership-transfer endpoint", s.Node)
	case story.KindFault:
		x.fault(s)
	case story.KindOp:
		x.op(s)
	case story.KindWait:
		x.wait(s)
	case story.KindExpect:
		x.expect(s)
	default:
		x.skipf(s.Pos, "statement kind %q is not known to labd real", s.Kind)
	}
}

// endStep records the step that just ended as a report slide: roles, terms and commit indexes
// (logs are not observable from outside kvd).
func (x *realExecutor) endStep() {
	if x.caption == "" {
		return
	}
	step := reports.Step{At: x.now(), Caption: x.caption}
	for i, name := range x.st.Nodes {
		log := reports.NodeLog{Node: uint64(i + 1), Name: name, Role: reports.RoleDown}
		switch x.c.State(name) {
		case realcluster.StatePaused:
			log.Role = reports.RolePaused
		case realcluster.StateRunning:
			if st, err := x.c.Status(name); err == nil {
				log.Role, log.Term, log.Commit = st.Role, st.Term, st.Commit
			}
		}
		step.Logs = append(step.Logs, log)
	}
	x.steps = append(x.steps, step)
	x.caption = ""
}

// finish waits for async operations, then checks the whole history for linearizability.
func (x *realExecutor) finish() {
	defer x.stopWatches()
	deadline := time.Now().Add(x.timeout + time.Second)
	for _, name := range x.opOrder {
		if no := x.ops[name]; no != nil {
			select {
			case <-no.done:
			case <-time.After(time.Until(deadline)):
			}
		}
	}
	x.reportAsync()
	hist := x.checkedHistory()
	x.checked = hist
	v := checker.Check(hist, checker.Options{})
	x.verdict = &v
	if v.Linearizable {
		x.event(fmt.Sprintf("checker: %s on %s are linearizable", human.Count(v.OpsChecked, "operation"), human.Count(v.KeysChecked, "key")))
	} else {
		msg := fmt.Sprintf("%s: the real history is not linearizable: %s", x.st.File, strings.Join(v.Problems, "; "))
		x.failures = append(x.failures, msg)
		x.event("FAIL " + msg)
	}
}

// historyCopy is the history so far (operations still running are not in it).
func (x *realExecutor) historyCopy() []history.Op {
	x.mu.Lock()
	defer x.mu.Unlock()
	return append([]history.Op(nil), x.history...)
}
