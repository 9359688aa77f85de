package main

import (
	"fmt"
	"sort"
	"strings"

	"github.com/raftlab/raftlab/checker"
	"github.com/raftlab/raftlab/checker/history"
	"github.com/raftlab/raftlab/internal/human"
	"github.com/raftlab/raftlab/netsim"
	"github.com/raftlab/raftlab/reports"
	storyrun "github.com/raftlab/raftlab/scenarios/run"
	"github.com/raftlab/raftlab/scenarios/story"
)

// reportRun turns the result of a story run into what the report draws. text is the story's source
// (shown on the page and quoted by the assertions), replay the command that reruns it.
func reportRun(res *storyrun.Result, text, replay string) reports.Run {
	st := res.Story
	title := st.Title
	if title == "" {
		title = st.Name
	}
	nodes := reportNodes(st, res)
	ids := make(map[string]uint64, len(nodes))
	for _, n := range nodes {
		ids[n.Name] = n.ID
	}
	rr := reports.Run{
		Title:         title,
		Story:         text,
		Seed:          int64(res.Seed), // reports shows seeds as int64; story seeds are small
		TraceHash:     formatHash(res.TraceHash),
		ReplayCommand: replay,
		Nodes:         nodes,
		Samples:       reportSamples(res.Samples),
		Faults:        reportFaults(res.Faults, ids),
		Ops:           reportOps(res.History),
		Steps:         reportSteps(res.Steps, ids),
		Narrative:     res.Narrative,
		Verdict:       reportVerdict(res.Verdict),
		Assertions:    reportAssertions(st, text, res.Failures, res.Skipped),
		Failed:        !res.Passed,
	}
	if res.Wall {
		rr.Title += " (on " + res.Server + ")"
		rr.Server, rr.WallTime = res.Server, true
		rr.NoLogs = len(res.Steps) > 0 && len(res.Steps[0].Nodes) > 0 && res.Steps[0].Nodes[0].NoLog
		rr.TraceHash = "none: a run on real processes is not reproducible bit for bit"
	}
	return rr
}

// formatHash prints a trace hash the way the executor's narrative does.
func formatHash(h uint64) string { return fmt.Sprintf("%016x", h) }

// nodeName is the name of node id: the n-th name of the cluster line for ID n, else the
// simulator's default name for a member added later.
func nodeName(st *story.Story, id uint64) string {
	if id >= 1 && id <= uint64(len(st.Nodes)) {
		return st.Nodes[id-1]
	}
	return fmt.Sprintf("n%d", id)
}

// reportNodes lists the cluster line's nodes and every other node that was sampled, by ID.
func reportNodes(st *story.Story, res *storyrun.Result) []reports.NodeInfo {
	seen := make(map[uint64]bool)
	var ids []uint64
	add := func(id uint64) {
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	for i := range st.Nodes {
		add(uint64(i + 1))
	}
	for _, s := range res.Samples {
		add(s.Node)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	out := make([]reports.NodeInfo, len(ids))
	for i, id := range ids {
		out[i] = reports.NodeInfo{ID: id, Name: nodeName(st, id)}
	}
	return out
}

// sampleRole is the report's role of a sampled node.
func sampleRole(s netsim.Sample) string {
	switch {
	case !s.Alive:
		return reports.RoleDown
	case s.Paused:
		return reports.RolePaused
	}
	return s.Role.String()
}

func reportSamples(samples []netsim.Sample) []reports.Sample {
	out := make([]reports.Sample, len(samples))
	for i, s := range samples {
		out[i] = reports.Sample{At: s.At, Node: s.Node, Role: sampleRole(s), Term: s.Term, Commit: s.Commit}
	}
	return out
}

func reportFaults(faults []storyrun.FaultWindow, ids map[string]uint64) []reports.FaultWindow {
	out := make([]reports.FaultWindow, 0, len(faults))
	for _, f := range faults {
		w := reports.FaultWindow{Start: f.Start, End: f.End, Label: f.Fault}
		for _, n := range f.Nodes {
			if id, ok := ids[n]; ok {
				w.Nodes = append(w.Nodes, id)
			}
		}
		out = append(out, w)
	}
	return out
}

// reportOps are the client operations of a history, for the latency and throughput figures (the
// cluster's expiry records are not client operations).
func reportOps(ops []history.Op) []reports.OpPoint {
	out := make([]reports.OpPoint, 0, len(ops))
	for _, op := range ops {
		if op.Kind.IsExpiry() {
			continue
		}
		out = append(out, reports.OpPoint{Client: op.Client, Kind: string(op.Kind), Call: op.Call, Return: op.Return,
			Outcome: string(op.Outcome)})
	}
	return out
}

// reportRole maps the executor's role words onto the report's: "removed" and "unreachable" (a
// real process that runs but does not answer, such as one just restarted) have no lane colour of
// their own and are drawn as down; the others are the same words.
func reportRole(role string) string {
	if role == "removed" || role == "unreachable" {
		return reports.RoleDown
	}
	return role
}

func reportSteps(steps []storyrun.StepSnapshot, ids map[string]uint64) []reports.Step {
	out := make([]reports.Step, len(steps))
	for i, s := range steps {
		step := reports.Step{At: s.At, Caption: s.Caption, Events: s.Events}
		for _, n := range s.Nodes {
			log := reports.NodeLog{Node: ids[n.Name], Name: n.Name, Role: reportRole(n.Role), Term: n.Term, Commit: n.Commit}
			for _, c := range n.Cells {
				log.Entries = append(log.Entries, reports.LogCell{Index: uint64(c.Position), RaftIndex: c.Index,
					Term: c.Term, Text: c.Value, Committed: c.Committed})
			}
			step.Logs = append(step.Logs, log)
		}
		out[i] = step
	}
	return out
}

func reportVerdict(v checker.Verdict) reports.Verdict {
	checked := human.Count(v.OpsChecked, "operation") + " on " + human.Count(v.KeysChecked, "key")
	summary := "linearizable: " + checked + " checked"
	if !v.Linearizable {
		summary = fmt.Sprintf("NOT linearizable: %s in %s", human.Count(len(v.Problems), "problem"), checked)
	}
	if v.TimedOut {
		summary += " (the search timed out on some key)"
	}
	if v.Unknown > 0 {
		summary += fmt.Sprintf("; %d with an unknown outcome", v.Unknown)
	}
	if v.StaleReads > 0 {
		summary += fmt.Sprintf("; %s (allowed)", human.Count(v.StaleReads, "stale local read"))
	}
	return reports.Verdict{Linearizable: v.Linearizable, Summary: summary, Problems: v.Problems, Notes: v.Stale}
}

// reportAssertions lists every expect line of the story with its outcome, plus every other line a
// failure or a skip points at (a wait that timed out, a fault real processes cannot have, the
// end-of-story checks), in line order. A line with a skip and no failure is skipped, not passed.
func reportAssertions(st *story.Story, text string, failures, skipped []string) []reports.Assertion {
	lines := strings.Split(text, "\n")
	source := func(line int) string {
		if line >= 1 && line <= len(lines) {
			return strings.TrimSpace(lines[line-1])
		}
		return ""
	}
	byLine, unplaced := byStoryLine(st.File, failures)
	skips, unplacedSkips := byStoryLine(st.File, skipped)
	var out []reports.Assertion
	seen := make(map[int]bool)
	add := func(line int) {
		if seen[line] {
			return
		}
		seen[line] = true
		details := byLine[line]
		a := reports.Assertion{Line: line, Text: source(line), Passed: len(details) == 0,
			Detail: strings.Join(details, "; ")}
		if len(details) == 0 && len(skips[line]) > 0 {
			a.Passed, a.Skipped, a.Detail = false, true, strings.Join(skips[line], "; ")
		}
		out = append(out, a)
	}
	for _, s := range st.Stmts {
		if s.Kind == story.KindExpect {
			add(s.Pos.Line)
		}
	}
	for line := range byLine {
		add(line)
	}
	for line := range skips {
		add(line)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Line < out[j].Line })
	for _, f := range unplaced {
		out = append(out, reports.Assertion{Text: "end of story", Detail: f})
	}
	for _, f := range unplacedSkips {
		what, why, _ := strings.Cut(f, ": ")
		if what == st.File {
			what = "story setting"
		}
		out = append(out, reports.Assertion{Text: what, Skipped: true, Detail: why})
	}
	return out
}

// byStoryLine groups executor lines ("FILE:LINE: message") by line; the ones without a line of the
// story come back as they are.
func byStoryLine(file string, lines []string) (map[int][]string, []string) {
	byLine := make(map[int][]string)
	var unplaced []string
	for _, f := range lines {
		line, detail, ok := failureLine(file, f)
		if !ok {
			unplaced = append(unplaced, f)
			continue
		}
		byLine[line] = append(byLine[line], detail)
	}
	return byLine, unplaced
}

// failureLine splits an executor failure "FILE:LINE: expected …" into its line and message.
func failureLine(file, failure string) (int, string, bool) {
	rest, ok := strings.CutPrefix(failure, file+":")
	if !ok {
		return 0, "", false
	}
	num, msg, ok := strings.Cut(rest, ": ")
	if !ok {
		return 0, "", false
	}
	var line int
	if _, err := fmt.Sscanf(num, "%d", &line); err != nil || line <= 0 {
		return 0, "", false
	}
	return line, msg, true
}
