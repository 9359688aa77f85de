package run

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/raftlab/raftlab/internal/human"
)

// beginStep opens a new slide.
func (x *executor) beginStep(caption string) {
	x.step = &StepSnapshot{Caption: caption}
}

// endStep snapshots the cluster, prints the slide and keeps it in the result.
func (x *executor) endStep() { x.endStepWith(nil) }

// endStepWith is endStep with the cluster's snapshot already taken (nil: take it now).
func (x *executor) endStepWith(nodes []NodeSnapshot) {
	x.driverEvents()
	if x.step == nil {
		return
	}
	x.reportAsync()
	x.step.At = x.d.Now()
	if nodes == nil {
		nodes = x.snapshot()
	}
	x.step.Nodes = nodes
	x.res.Steps = append(x.res.Steps, *x.step)
	x.print(renderStep(len(x.res.Steps), x.step))
	x.step = nil
}

// print writes narrative lines.
func (x *executor) print(lines []string) {
	for _, l := range lines {
		x.res.Narrative = append(x.res.Narrative, l)
		fmt.Fprintln(x.out, l)
	}
}

// snapshot is every node's column, in ID order.
func (x *executor) snapshot() []NodeSnapshot {
	var out []NodeSnapshot
	for _, id := range x.d.Nodes() {
		st := x.d.Status(id)
		ns := NodeSnapshot{Name: x.name(id), Role: x.roleOf(id, st), Term: st.Term, Commit: st.Commit}
		if log, err := x.d.Log(id); err != nil {
			ns.NoLog = true
		} else {
			ns.Cells = log.Cells
		}
		out = append(out, ns)
	}
	return out
}

// role is what a story calls node id's state: down, paused, removed or its Raft role.
func (x *executor) role(id uint64) string { return x.roleOf(id, x.d.Status(id)) }

// roleOf is role from a status already taken.
func (x *executor) roleOf(id uint64, st NodeStatus) string {
	if x.removed[id] && st.up() && st.Role != "leader" {
		return roleRemoved
	}
	return st.Role
}

// renderStep draws one slide: the caption, a table with a column per node (leader marked, term
// and role on top, uncommitted cells marked with *), then the step's events.
func renderStep(n int, s *StepSnapshot) []string {
	lines := []string{fmt.Sprintf("== %d. %s  [t=%s]", n, s.Caption, fmtTime(s.At))}
	rows := [][]string{{""}, {"term"}, {"commit"}} // commit is the Raft commit index, counting no-ops
	depth := 0
	for _, ns := range s.Nodes {
		head := ns.Name
		if ns.Role == "leader" {
			head += " (L)"
		}
		rows[0] = append(rows[0], head)
		rows[1] = append(rows[1], strconv.FormatUint(ns.Term, 10))
		rows[2] = append(rows[2], strconv.FormatUint(ns.Commit, 10))
		depth = max(depth, len(ns.Cells))
	}
	roleRow := []string{"role"}
	for _, ns := range s.Nodes {
		roleRow = append(roleRow, ns.Role)
	}
	rows = append(rows[:1], append([][]string{roleRow}, rows[1:]...)...)
	for p := 0; p < depth; p++ {
		row := []string{strconv.Itoa(p + 1)}
		for _, ns := range s.Nodes {
			cell := "."
			if p < len(ns.Cells) {
				cell = ns.Cells[p].Value
				if !ns.Cells[p].Committed {
					cell += "*"
				}
			}
			row = append(row, cell)
		}
		rows = append(rows, row)
	}
	lines = append(lines, table(rows)...)
	if depth > 0 {
		lines = append(lines, "   (rows count client entries as the slides do; * = not committed on that node; commit = Raft's commit index)")
	}
	if len(s.Nodes) > 0 && s.Nodes[0].NoLog {
		lines = append(lines, "   (logs cannot be seen from outside the servers: no log table)")
	}
	for _, e := range s.Events {
		lines = append(lines, "   - "+e)
	}
	return lines
}

// table aligns rows into columns.
func table(rows [][]string) []string {
	var width []int
	for _, r := range rows {
		for i, c := range r {
			if i >= len(width) {
				width = append(width, 0)
			}
			width[i] = max(width[i], len(c))
		}
	}
	out := make([]string, 0, len(rows))
	for _, r := range rows {
		var b strings.Builder
		b.WriteString("   ")
		for i, c := range r {
			b.WriteString(c)
			if i < len(r)-1 {
				b.WriteString(strings.Repeat(" ", width[i]-len(c)+2))
			}
		}
		out = append(out, strings.TrimRight(b.String(), " "))
	}
	return out
}

// fmtTime renders a virtual time as seconds with millisecond precision, as the reports do.
func fmtTime(ns int64) string { return human.Seconds(ns) }

// fmtDur renders a duration in ns the way stories write them.
func fmtDur(ns int64) string { return time.Duration(ns).String() }
