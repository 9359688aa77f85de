package reports

import (
	"fmt"
	"strconv"
)

// pageView is what index.html is rendered from.
type pageView struct {
	Title         string
	Story         string
	Seed          string
	TraceHash     string
	ReplayCommand string
	Duration      string
	Nodes         []string
	OpCounts      opCounts
	Verdict       verdictView
	Assertions    []assertionView
	AssertPassed  int
	Figures       []figureView
	Steps         []stepView
	Narrative     []string
}

// opCounts summarises ops by outcome.
type opCounts struct {
	Total, OK, Fail, Unknown int
}

// verdictView is the verdict box.
type verdictView struct {
	Linearizable      bool
	Summary           string
	Problems          []string
	Notes             []string
	VisualizationFile string
}

// assertionView is one row of the assertions table.
type assertionView struct {
	Line   string
	Text   string
	Passed bool
	Detail string
}

// figureView is one figure with its image files.
type figureView struct {
	Title string
	PNG   string
	SVG   string
}

// stepView is one slide: a caption and a log table per node.
type stepView struct {
	Number  int
	At      string
	Caption string
	Tables  []logTableView
}

// logTableView is one node's log table in a slide.
type logTableView struct {
	Name   string
	Role   string
	Term   uint64
	Commit uint64
	Leader bool
	Rows   []logRowView
}

// logRowView is one row of a log table; Class is committed, uncommitted or
// empty (padding so the tables of a slide line up).
type logRowView struct {
	Index string
	Text  string
	Term  string
	Class string
}

// CSS classes of log rows.
const (
	classCommitted   = "committed"
	classUncommitted = "uncommitted"
	classEmpty       = "empty"
)

// minSlideRows is the least number of rows a slide table shows, as in the talk.
const minSlideRows = 3

// buildPage turns a validated run and its figures into the page view.
func buildPage(run Run, lanes []lane, end int64, figures []figureView) pageView {
	v := pageView{
		Title:         run.Title,
		Story:         run.Story,
		Seed:          strconv.FormatInt(run.Seed, 10),
		TraceHash:     run.TraceHash,
		ReplayCommand: run.ReplayCommand,
		Duration:      formatSeconds(end),
		Verdict: verdictView{
			Linearizable:      run.Verdict.Linearizable,
			Summary:           run.Verdict.Summary,
			Problems:          run.Verdict.Problems,
			Notes:             run.Verdict.Notes,
			VisualizationFile: run.Verdict.VisualizationFile,
		},
		Figures:   figures,
		Narrative: run.Narrative,
	}
	if v.Title == "" {
		v.Title = "Lab run, seed " + v.Seed
	}
	for _, l := range lanes {
		v.Nodes = append(v.Nodes, l.name)
	}
	for _, op := range run.Ops {
		v.OpCounts.Total++
		switch op.Outcome {
		case OutcomeOK:
			v.OpCounts.OK++
		case OutcomeFail:
			v.OpCounts.Fail++
		default:
			v.OpCounts.Unknown++
		}
	}
	for _, a := range run.Assertions {
		v.Assertions = append(v.Assertions, assertionView{
			Line: strconv.Itoa(a.Line), Text: a.Text, Passed: a.Passed, Detail: a.Detail,
		})
		if a.Passed {
			v.AssertPassed++
		}
	}
	names := make(map[uint64]string, len(lanes))
	for _, l := range lanes {
		names[l.id] = l.name
	}
	for i, st := range run.Steps {
		v.Steps = append(v.Steps, buildStep(i+1, st, names))
	}
	return v
}

// buildStep lays out one slide, padding every table to the same height.
func buildStep(number int, st Step, names map[uint64]string) stepView {
	rows := minSlideRows
	for _, l := range st.Logs {
		rows = max(rows, len(l.Entries))
	}
	sv := stepView{Number: number, At: formatSeconds(st.At), Caption: st.Caption}
	for _, l := range st.Logs {
		name := l.Name
		if name == "" {
			name = names[l.Node]
		}
		t := logTableView{
			Name: name, Role: l.Role, Term: l.Term, Commit: l.Commit,
			Leader: l.Role == RoleLeader,
		}
		for _, e := range l.Entries {
			class := classUncommitted
			if e.Committed {
				class = classCommitted
			}
			t.Rows = append(t.Rows, logRowView{
				Index: strconv.FormatUint(e.Index, 10),
				Text:  strconv.Quote(e.Text),
				Term:  "t" + strconv.FormatUint(e.Term, 10),
				Class: class,
			})
		}
		for len(t.Rows) < rows {
			t.Rows = append(t.Rows, logRowView{Class: classEmpty})
		}
		sv.Tables = append(sv.Tables, t)
	}
	return sv
}

// formatSeconds writes virtual nanoseconds as seconds with millisecond precision.
func formatSeconds(ns int64) string {
	return fmt.Sprintf("%.3f s", seconds(ns))
}
