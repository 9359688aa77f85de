package reports

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWriteRealisticRunProducesValidFiles(t *testing.T) {
	dir, files := writeReport(t, partitionRun())
	requireValidReport(t, dir, files)
}

func TestWriteIndexShowsRunFacts(t *testing.T) {
	run := partitionRun()
	run.Verdict.Problems = []string{"read of /k returned a value never written"}
	dir, files := writeReport(t, run)
	page := readFile(t, files.Index)

	assert.Equal(t, run.ReplayCommand, elementText(t, page, "replay"))
	assert.Regexp(t, `<pre class="replay" id="replay">`, page, "replay command sits in a <pre>")
	assert.Equal(t, strconv.FormatInt(run.Seed, 10), elementText(t, page, "seed"))
	assert.Equal(t, run.TraceHash, elementText(t, page, "trace-hash"))
	assert.Contains(t, page, "&lt;steps down&gt; &amp; log", "title is escaped")
	assert.NotContains(t, page, "<steps down>")
	for _, line := range run.Narrative {
		assert.Contains(t, page, line)
	}
	assert.Contains(t, page, "<li>"+run.Verdict.Problems[0]+"</li>")
	assert.Contains(t, page, "partition n1,n2 | n3,n4,n5\nwait 3s", "story is shown")

	passed := 0
	for _, a := range run.Assertions {
		if a.Passed {
			passed++
		}
		assert.Contains(t, page, "<td>"+a.Text+"</td>")
	}
	assert.Contains(t, page, "Assertions ("+strconv.Itoa(passed)+" passed, "+strconv.Itoa(len(run.Assertions)-passed)+" failed)")
	assert.Equal(t, len(run.Assertions)-passed, strings.Count(page, `<tr class="failed">`))

	for _, name := range allFigureNames {
		assert.Contains(t, page, `<img src="`+pngName(name)+`"`)
		assert.Contains(t, page, `<a href="`+svgName(name)+`">SVG</a>`)
	}
	requireLinksResolve(t, dir, page)
}

func TestWriteVerdictColour(t *testing.T) {
	tests := []struct {
		name         string
		linearizable bool
		wantClass    string
		wantText     string
	}{
		{"linearizable is green", true, "verdict pass", "Linearizable"},
		{"violation is red", false, "verdict fail", "NOT linearizable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			run := partitionRun()
			run.Verdict.Linearizable = tt.linearizable
			_, files := writeReport(t, run)
			page := readFile(t, files.Index)
			assert.Contains(t, page, `<div class="`+tt.wantClass+`" id="verdict">`+"\n"+tt.wantText)
		})
	}
	assert.Contains(t, styleSheet, ".verdict.pass")
	assert.Contains(t, styleSheet, ".verdict.fail")
}

func TestWriteLinksPorcupineVisualisation(t *testing.T) {
	run := partitionRun()
	run.Verdict.Linearizable = false
	run.Verdict.VisualizationFile = "porcupine/history.html"
	dir := filepath.Join(t.TempDir(), "report")
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "porcupine"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "porcupine", "history.html"), []byte("<html></html>"), 0o644))

	files, err := Write(dir, run)
	require.NoError(t, err)
	page := readFile(t, files.Index)
	assert.Contains(t, linksOf(page), run.Verdict.VisualizationFile)
	requireLinksResolve(t, dir, page)

	run.Verdict.VisualizationFile = ""
	_, files = writeReport(t, run)
	assert.NotContains(t, readFile(t, files.Index), "Porcupine visualisation")
}

// rowClassPattern finds the class of every log table row.
var rowClassPattern = regexp.MustCompile(`<tr class="(committed|uncommitted|empty)"[ >]`)

func TestWriteStepTablesMarkCommittedCells(t *testing.T) {
	run := partitionRun()
	_, files := writeReport(t, run)
	page := readFile(t, files.Index)

	wantCommitted, wantUncommitted := 0, 0
	for _, st := range run.Steps {
		for _, l := range st.Logs {
			for _, e := range l.Entries {
				if e.Committed {
					wantCommitted++
				} else {
					wantUncommitted++
				}
			}
		}
	}
	counts := map[string]int{}
	for _, m := range rowClassPattern.FindAllStringSubmatch(page, -1) {
		counts[m[1]]++
	}
	require.NotZero(t, wantCommitted)
	require.NotZero(t, wantUncommitted)
	assert.Equal(t, wantCommitted, counts[classCommitted])
	assert.Equal(t, wantUncommitted, counts[classUncommitted])

	// The two classes are styled differently, and the legend shows both.
	assert.Contains(t, page, "tr.committed td {")
	assert.Contains(t, page, "tr.uncommitted td {")
	assert.Contains(t, page, `<span class="swatch committed">committed</span>`)
	assert.Contains(t, page, `<span class="swatch uncommitted">uncommitted</span>`)

	// Cells read index | "text", in order, and captions come before the tables.
	assert.Contains(t, page, `<td class="index">1</td><td class="text">&#34;much&#34;`)
	assert.Less(t, strings.Index(page, run.Steps[1].Caption), strings.Index(page, `&#34;wow&#34;`))
}

func TestWriteStepTablesMarkLeaderWithTerm(t *testing.T) {
	run := partitionRun()
	_, files := writeReport(t, run)
	page := readFile(t, files.Index)
	leaders := regexp.MustCompile(`<caption class="leader">&#9733; (\w+) &middot; leader<br>term (\d+)`).FindAllStringSubmatch(page, -1)

	var want [][]string
	for _, st := range run.Steps {
		for _, l := range st.Logs {
			if l.Role == RoleLeader {
				name := l.Name
				if name == "" {
					name = "n" + strconv.FormatUint(l.Node, 10)
				}
				want = append(want, []string{name, strconv.FormatUint(l.Term, 10)})
			}
		}
	}
	var got [][]string
	for _, m := range leaders {
		got = append(got, m[1:])
	}
	require.NotEmpty(t, want)
	assert.Equal(t, want, got)
}

func TestWriteStepTablesLineUp(t *testing.T) {
	run := partitionRun()
	_, files := writeReport(t, run)
	page := readFile(t, files.Index)
	steps := strings.Split(page, `<div class="step" id=`)[1:]
	require.Len(t, steps, len(run.Steps))
	for i, step := range steps {
		tables := strings.Split(step, `<table class="log">`)[1:]
		require.Len(t, tables, len(run.Steps[i].Logs))
		longest := 0
		for _, l := range run.Steps[i].Logs {
			longest = max(longest, len(l.Entries))
		}
		for _, tbl := range tables {
			rows := len(rowClassPattern.FindAllString(tbl, -1)) + strings.Count(tbl, `<tr class="none">`)
			assert.Equal(t, max(longest, 1), rows, "step %d", i+1)
		}
	}
}

func TestWriteEscapesAllText(t *testing.T) {
	const evil = `<script>alert("x")</script>`
	run := partitionRun()
	run.Title = evil
	run.Story = evil
	run.ReplayCommand = evil
	run.TraceHash = evil
	run.Narrative = []string{evil}
	run.Verdict.Summary = evil
	run.Verdict.Problems = []string{evil}
	run.Assertions = []Assertion{{Line: 1, Text: evil, Detail: evil}}
	run.Steps[0].Caption = evil
	run.Steps[0].Logs[0].Name = evil
	run.Steps[0].Logs[0].Entries[0].Text = evil
	run.Nodes[0].Name = evil

	_, files := writeReport(t, run)
	page := readFile(t, files.Index)
	assert.NotContains(t, page, "<script>alert")
	assert.Contains(t, page, "&lt;script&gt;")
	assert.Equal(t, evil, elementText(t, page, "replay"))
}

func TestWriteIsDeterministic(t *testing.T) {
	dirA, filesA := writeReport(t, partitionRun())
	dirB, filesB := writeReport(t, partitionRun())
	require.Len(t, filesB.Figures, len(filesA.Figures))
	for _, path := range append([]string{filesA.Index}, filesA.Figures...) {
		rel, err := filepath.Rel(dirA, path)
		require.NoError(t, err)
		a, err := os.ReadFile(path)
		require.NoError(t, err)
		b, err := os.ReadFile(filepath.Join(dirB, rel))
		require.NoError(t, err)
		assert.Equal(t, a, b, "%s differs between two writes of the same run", rel)
	}
}

func TestWriteDegenerateRunsStillProduceAReport(t *testing.T) {
	tests := []struct {
		name string
		run  Run
	}{
		{"empty run", Run{}},
		{"one node no samples", Run{Nodes: []NodeInfo{{ID: 1, Name: "solo"}}}},
		{"one node one sample no ops", Run{
			Nodes:   []NodeInfo{{ID: 1}},
			Samples: []Sample{{At: 0, Node: 1, Role: RoleLeader, Term: 1, Commit: 1}},
		}},
		{"everything at time zero", Run{
			Nodes:   []NodeInfo{{ID: 1}, {ID: 2}},
			Samples: []Sample{{Node: 1, Role: RoleLeader, Term: 1}, {Node: 2, Role: RoleFollower, Term: 1}},
			Ops:     []OpPoint{{Kind: "get", Outcome: OutcomeOK}},
			Faults:  []FaultWindow{{Label: "instant"}},
		}},
		{"ops but no nodes", Run{Ops: []OpPoint{{Call: s, Return: 2 * s, Outcome: OutcomeOK}}}},
		{"only unknown ops never returning", Run{Ops: []OpPoint{{Call: s, Return: 0, Outcome: OutcomeUnknown}, {Call: 2 * s, Return: -1, Outcome: OutcomeUnknown}}}},
		{"only failed ops", Run{Ops: []OpPoint{{Call: s, Return: 3 * s, Outcome: OutcomeFail}}}},
		{"samples of nodes not listed", Run{Samples: []Sample{{At: s, Node: 7, Role: RoleDown}}}},
		{"step with empty logs", Run{Steps: []Step{{Caption: "nothing yet", Logs: []NodeLog{{Node: 1}}}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir, files := writeReport(t, tt.run)
			requireValidReport(t, dir, files)
		})
	}
}

func TestWriteNotesEmptyFigures(t *testing.T) {
	dir, _ := writeReport(t, Run{})
	assert.Contains(t, svgTexts(t, filepath.Join(dir, svgName(FigureTimeline))), "no nodes")
	assert.Contains(t, svgTexts(t, filepath.Join(dir, svgName(FigureCommit))), "no samples")
	assert.Contains(t, svgTexts(t, filepath.Join(dir, svgName(FigureLatency))), "no client operations")
	assert.Contains(t, svgTexts(t, filepath.Join(dir, svgName(FigureLatencyHist))), "no ok operations")
	assert.Contains(t, svgTexts(t, filepath.Join(dir, svgName(FigureThroughput))), "no client operations")
}

func TestWriteRejectsBadInput(t *testing.T) {
	tests := []struct {
		name    string
		mutate  func(*Run)
		wantErr string
	}{
		{"duplicate node id", func(r *Run) { r.Nodes = append(r.Nodes, NodeInfo{ID: 1, Name: "again"}) }, "duplicate node id 1"},
		{"unknown sample role", func(r *Run) { r.Samples[3].Role = "king" }, `unknown role "king"`},
		{"empty sample role", func(r *Run) { r.Samples[0].Role = "" }, `unknown role ""`},
		{"unknown step role", func(r *Run) { r.Steps[0].Logs[1].Role = "boss" }, `unknown role "boss"`},
		{"fault ends before start", func(r *Run) { r.Faults[0].End = r.Faults[0].Start - 1 }, "before it starts"},
		{"unknown outcome", func(r *Run) { r.Ops[2].Outcome = "maybe" }, `unknown outcome "maybe"`},
		{"ok op returns before call", func(r *Run) { r.Ops[0].Return = r.Ops[0].Call - 1 }, "before its call"},
		{"external visualisation", func(r *Run) { r.Verdict.VisualizationFile = "https://example.com/p.html" }, "not a relative path"},
		{"visualisation outside dir", func(r *Run) { r.Verdict.VisualizationFile = "../p.html" }, "leaves the report directory"},
		{"absolute visualisation", func(r *Run) { r.Verdict.VisualizationFile = "/tmp/p.html" }, "must be relative"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			run := partitionRun()
			tt.mutate(&run)
			dir := filepath.Join(t.TempDir(), "report")
			_, err := Write(dir, run)
			require.ErrorIs(t, err, ErrInvalidRun)
			assert.ErrorContains(t, err, tt.wantErr)
			_, statErr := os.Stat(dir)
			assert.True(t, os.IsNotExist(statErr), "nothing is written for bad input")
		})
	}
}

func TestWriteReportsUnwritableDir(t *testing.T) {
	blocker := filepath.Join(t.TempDir(), "file")
	require.NoError(t, os.WriteFile(blocker, nil, 0o644))
	_, err := Write(filepath.Join(blocker, "report"), partitionRun())
	require.Error(t, err)
	assert.Contains(t, err.Error(), blocker)
}
