package reports

import (
	"fmt"
	"strconv"

	"github.com/raftlab/raftlab/internal/human"
)

// stepView is one slide: a caption, what happened during the step, and a log table per node.
type stepView struct {
	Number  int
	At      string
	Caption string
	Events  []string
	// InForce are the faults in force when the step ended (a partition the slide shows).
	InForce []string
	Tables  []logTableView
}

// logTableView is one node's log table in a slide. A log with no entries shows "empty log"; a log
// that could not be seen (Run.NoLogs) shows no rows at all.
type logTableView struct {
	Name   string
	Role   string
	Term   uint64
	Commit uint64
	Leader bool
	NoLog  bool
	Empty  bool
	Rows   []logRowView
}

// logRowView is one row of a log table; Class is committed, uncommitted or empty (padding so the
// tables of a slide line up). Title names the entry's row, Raft index and term for a tooltip.
type logRowView struct {
	Index string
	Text  string
	Term  string
	Title string
	Class string
}

// CSS classes of log rows.
const (
	classCommitted   = "committed"
	classUncommitted = "uncommitted"
	classEmpty       = "empty"
)

// buildStep lays out one slide, padding every table to the longest log of the slide so the rows line
// up; a slide where every log is empty has no padding rows at all.
func buildStep(number int, st Step, names map[uint64]string, faults []FaultWindow, noLogs bool) stepView {
	rows := 0
	for _, l := range st.Logs {
		rows = max(rows, len(l.Entries))
	}
	sv := stepView{Number: number, At: human.Seconds(st.At), Caption: st.Caption, Events: st.Events}
	for _, f := range faults {
		// A step is snapshotted before the next step's first statement runs, at the same instant: a
		// fault that starts when the step ends belongs to the next step, one that ends then was
		// still in force.
		if f.Label != "" && f.Start < st.At && st.At <= f.End {
			sv.InForce = append(sv.InForce, f.Label)
		}
	}
	for _, l := range st.Logs {
		name := l.Name
		if name == "" {
			name = names[l.Node]
		}
		t := logTableView{
			Name: name, Role: l.Role, Term: l.Term, Commit: l.Commit,
			Leader: l.Role == RoleLeader, NoLog: noLogs, Empty: !noLogs && len(l.Entries) == 0,
		}
		if !noLogs {
			for _, e := range l.Entries {
				t.Rows = append(t.Rows, logRow(e))
			}
			pad := rows
			if t.Empty {
				pad-- // the "empty log" line takes a row
			}
			for len(t.Rows) < pad {
				t.Rows = append(t.Rows, logRowView{Class: classEmpty})
			}
		}
		sv.Tables = append(sv.Tables, t)
	}
	return sv
}

// logRow is one entry of a log table.
func logRow(e LogCell) logRowView {
	class := classUncommitted
	if e.Committed {
		class = classCommitted
	}
	r := logRowView{Index: strconv.FormatUint(e.Index, 10), Text: strconv.Quote(e.Text), Class: class}
	title := "log row " + r.Index
	if e.RaftIndex != 0 {
		title += fmt.Sprintf(", raft index %d", e.RaftIndex)
	}
	if e.Term != 0 {
		r.Term = "t" + strconv.FormatUint(e.Term, 10)
		title += fmt.Sprintf(", written in term %d", e.Term)
	}
	if e.Committed {
		title += ", committed"
	} else {
		title += ", not committed on this node"
	}
	r.Title = title
	return r
}
