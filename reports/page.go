package reports

import (
	"strconv"
	"strings"

	"github.com/raftlab/raftlab/internal/human"
)

// pageView is what index.html is rendered from.
type pageView struct {
	Title         string
	Story         string
	Seed          string
	TraceHash     string
	ReplayCommand string
	// Clock names the run's time: virtual time, or wall time on real processes; Server what ran it.
	Clock      string
	Server     string
	NoLogs     bool
	Duration   string
	Nodes      []string
	OpCounts   opCounts
	Outcome    outcomeView
	Verdict    Verdict
	Assertions []assertionView
	Asserted   assertionCounts
	Figures    []figureView
	Steps      []stepView
	// Narrative is the terminal's output, lines joined, shown in a <pre> so its tables keep their
	// columns.
	Narrative string
	Parent    Link
}

// opCounts summarises ops by outcome.
type opCounts struct {
	Total, OK, Fail, Unknown int
}

// assertionView is one row of the assertions table; Class is passed, failed or skipped.
type assertionView struct {
	Line   string
	Text   string
	Class  string
	Word   string
	Detail string
}

// Assertion outcomes as the page writes them (the row's class and its word).
const (
	assertPassed  = "passed"
	assertFailed  = "failed"
	assertSkipped = "skipped"
)

// assertionCounts counts the assertions by outcome.
type assertionCounts struct {
	Passed, Failed, Skipped int
}

// figureView is one figure with its image files.
type figureView struct {
	Title string
	PNG   string
	SVG   string
}

// buildPage turns a validated run and its figures into the page view.
func buildPage(run Run, lanes []lane, end int64, figures []figureView) pageView {
	v := pageView{
		Title:         run.Title,
		Story:         run.Story,
		Seed:          strconv.FormatInt(run.Seed, 10),
		TraceHash:     run.TraceHash,
		ReplayCommand: run.ReplayCommand,
		Clock:         clockName(run.WallTime),
		Server:        run.Server,
		NoLogs:        run.NoLogs,
		Duration:      human.Seconds(end),
		Verdict:       run.Verdict,
		Figures:       figures,
		Narrative:     strings.Join(run.Narrative, "\n"),
		Parent:        run.Parent,
	}
	if v.Server == "" {
		v.Server = "the simulator"
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
		av := assertionView{Line: strconv.Itoa(a.Line), Text: a.Text, Detail: a.Detail}
		if a.Line <= 0 {
			av.Line = ""
		}
		switch {
		case a.Skipped:
			av.Class, av.Word = assertSkipped, "skipped"
			v.Asserted.Skipped++
		case a.Passed:
			av.Class, av.Word = assertPassed, "passed"
			v.Asserted.Passed++
		default:
			av.Class, av.Word = assertFailed, "FAILED"
			v.Asserted.Failed++
		}
		v.Assertions = append(v.Assertions, av)
	}
	v.Outcome = buildOutcome(run, v.Asserted, v.Assertions)
	names := make(map[uint64]string, len(lanes))
	for _, l := range lanes {
		names[l.id] = l.name
	}
	for i, st := range run.Steps {
		v.Steps = append(v.Steps, buildStep(i+1, st, names, run.Faults, run.NoLogs))
	}
	return v
}

// clockName is what the report calls the run's clock.
func clockName(wall bool) string {
	if wall {
		return "Wall time"
	}
	return "Virtual time"
}
