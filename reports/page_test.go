package reports

import (
	"html"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// outcomeOf is the outcome banner's word and lines, unescaped.
func outcomeOf(t *testing.T, page string) (string, []string) {
	t.Helper()
	m := regexp.MustCompile(`(?s)<div class="run-outcome (pass|fail)" id="outcome">\s*<span class="word">(\w+)</span>\s*<div>\s*<ul>(.*?)</ul>`).FindStringSubmatch(page)
	require.NotNil(t, m, "the page has an outcome banner")
	var lines []string
	for _, li := range regexp.MustCompile(`<li>([^<]*)</li>`).FindAllStringSubmatch(m[3], -1) {
		lines = append(lines, html.UnescapeString(li[1]))
	}
	assert.Equal(t, map[string]string{"PASSED": "pass", "FAILED": "fail"}[m[2]], m[1], "the banner's colour matches its word")
	return m[2], lines
}

func TestWriteOutcomeBannerSaysTheRunsOutcomeFirst(t *testing.T) {
	passing := []Assertion{{Line: 3, Text: "leader n3 term 2", Passed: true}, {Line: 4, Text: "n1 log", Passed: true}}
	tests := []struct {
		name      string
		mutate    func(*Run)
		wantWord  string
		wantLines []string
	}{
		{"all passed", func(r *Run) { r.Assertions = passing }, "PASSED",
			[]string{"2 of 2 assertions passed", "the history is linearizable"}},
		{"one assertion failed, history linearizable", func(r *Run) {}, "FAILED",
			[]string{"1 of 3 assertions failed", "the history is linearizable"}},
		{"not linearizable", func(r *Run) { r.Assertions = passing; r.Verdict.Linearizable = false }, "FAILED",
			[]string{"2 of 2 assertions passed", "the history is NOT linearizable"}},
		{"the lab's own check failed", func(r *Run) { r.Assertions = passing; r.Failed = true }, "FAILED",
			[]string{"2 of 2 assertions passed", "the history is linearizable",
				"the run failed a check of its own:"}},
		{"skipped are counted apart", func(r *Run) {
			r.Assertions = append(passing, Assertion{Line: 9, Text: "expect logs n1: 1 much", Skipped: true, Detail: "logs are not observable"})
		}, "PASSED", []string{"2 of 3 assertions passed", "1 assertion skipped: not observable here, neither passed nor failed",
			"the history is linearizable"}},
		{"history not checked", func(r *Run) {
			r.Assertions = passing
			r.Verdict = Verdict{NotChecked: true, Summary: "no history"}
		}, "PASSED", []string{"2 of 2 assertions passed", "the history was not checked"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			run := partitionRun()
			tt.mutate(&run)
			_, files := writeReport(t, run)
			page := readFile(t, files.Index)
			word, lines := outcomeOf(t, page)
			assert.Equal(t, tt.wantWord, word)
			assert.Equal(t, tt.wantLines, lines)
			assert.Less(t, strings.Index(page, `id="outcome"`), strings.Index(page, `id="verdict"`),
				"the outcome comes before the linearizability box")
			assert.Less(t, strings.Index(page, `id="outcome"`), strings.Index(page, `<dl class="facts">`),
				"the outcome comes right under the title")
		})
	}
}

func TestWriteOutcomeBannerQuotesTheFirstFailures(t *testing.T) {
	run := partitionRun()
	for i := 7; i <= 10; i++ {
		run.Assertions = append(run.Assertions, Assertion{Line: i, Text: "expect x", Detail: "got y"})
	}
	_, files := writeReport(t, run)
	page := readFile(t, files.Index)
	assert.Contains(t, page, `<ul class="failures" id="outcome-failures"><li>line 6: get /k == much — got &#34;so&#34;</li>`+
		`<li>line 7: expect x — got y</li><li>line 8: expect x — got y</li><li>and 2 more below</li></ul>`)

	run = partitionRunPassing()
	run.Failed = true
	run.Verdict.Problems = []string{"at 3.087 s: leader completeness: node 2 leads term 4 without raft index 11"}
	_, files = writeReport(t, run)
	assert.Contains(t, readFile(t, files.Index), `<ul class="failures" id="outcome-failures"><li>at 3.087 s: leader completeness: node 2 leads term 4 without raft index 11</li></ul>`,
		"with no failed assertion, the lab's problems are quoted")

	_, files = writeReport(t, partitionRunPassing())
	assert.NotContains(t, readFile(t, files.Index), "outcome-failures")
}

// partitionRunPassing is partitionRun with every assertion passing.
func partitionRunPassing() Run {
	run := partitionRun()
	for i := range run.Assertions {
		run.Assertions[i].Passed, run.Assertions[i].Detail = true, ""
	}
	return run
}

func TestWriteStepsSayWhichFaultsAreInForce(t *testing.T) {
	run := partitionRun()
	_, files := writeReport(t, run)
	page := readFile(t, files.Index)
	assert.NotContains(t, stepHTML(t, page, 1), "in force", "at 1 s nothing is broken")
	assert.Contains(t, stepHTML(t, page, 2), `<p class="in-force">in force: partition n1,n2 | n3,n4,n5</p>`)

	// At a step's end the next step's first fault has not happened yet; a heal in the next step
	// leaves the fault in force on this step's slide.
	run.Steps[0].At = run.Faults[0].Start
	run.Steps[1].At = run.Faults[0].End
	_, files = writeReport(t, run)
	page = readFile(t, files.Index)
	assert.NotContains(t, stepHTML(t, page, 1), "in force")
	assert.Contains(t, stepHTML(t, page, 2), "in force: partition n1,n2 | n3,n4,n5")
}

func TestWriteAssertionsCountSkippedApart(t *testing.T) {
	run := partitionRun()
	run.Assertions = append(run.Assertions, Assertion{Line: 9, Text: "expect logs n1: 1 much", Skipped: true,
		Detail: "logs are not observable"})
	_, files := writeReport(t, run)
	page := readFile(t, files.Index)
	assert.Contains(t, page, "Assertions (2 passed, 1 failed, 1 skipped)")
	assert.Contains(t, page, `<tr class="skipped"><td>9</td><td>expect logs n1: 1 much</td><td class="outcome">skipped</td><td>logs are not observable</td></tr>`)
}

// stepHTML is the HTML of step n (1-based) of a page.
func stepHTML(t *testing.T, page string, n int) string {
	t.Helper()
	steps := strings.Split(page, `<div class="step" id="step-`)[1:]
	require.GreaterOrEqual(t, len(steps), n)
	return steps[n-1]
}

func TestWriteStepTablesShowEachEntrysTerm(t *testing.T) {
	run := partitionRun()
	_, files := writeReport(t, run)
	page := readFile(t, files.Index)
	second := stepHTML(t, page, 2)
	terms := regexp.MustCompile(`<span class="term">(t\d+)</span>`).FindAllStringSubmatch(second, -1)
	var got []string
	for _, m := range terms {
		got = append(got, m[1])
	}
	assert.Equal(t, []string{"t1", "t1", "t1", "t1", "t1", "t2", "t1", "t2", "t1", "t2"}, got)
	assert.NotContains(t, page, ">t0<", "an entry of unknown term shows no term")
	assert.Contains(t, second, `title="log row 2, written in term 2, committed"`)
}

func TestWriteEmptyLogsSayEmptyLogWithoutDottedRows(t *testing.T) {
	run := partitionRun()
	run.Steps = append([]Step{{At: 15 * ms, Caption: "n1 wins the election", Logs: []NodeLog{
		{Node: 1, Role: RoleLeader, Term: 1}, {Node: 2, Role: RoleFollower, Term: 1}, {Node: 3, Role: RoleFollower, Term: 1},
	}}}, run.Steps...)
	_, files := writeReport(t, run)
	page := readFile(t, files.Index)
	first := stepHTML(t, page, 1)
	assert.Equal(t, 3, strings.Count(first, `<tr class="none"><td colspan="2">empty log</td></tr>`))
	assert.NotContains(t, first, `<tr class="empty">`, "no padding rows when every log is empty")

	// A node with an empty log next to longer logs keeps the tables lined up.
	run.Steps[2].Logs[4].Entries = nil
	_, files = writeReport(t, run)
	third := stepHTML(t, readFile(t, files.Index), 3)
	tables := strings.Split(third, `<table class="log">`)[1:]
	require.Len(t, tables, 5)
	assert.Contains(t, tables[4], "empty log")
	assert.Equal(t, 1, strings.Count(tables[4], `<tr class="empty">`), "one padding row under the empty log")
	assert.Equal(t, 2, len(rowClassPattern.FindAllString(tables[0], -1)))
}

func TestWriteUnobservableLogsShowNoTable(t *testing.T) {
	run := partitionRun()
	run.NoLogs = true
	for i := range run.Steps {
		for j := range run.Steps[i].Logs {
			run.Steps[i].Logs[j].Entries = nil
		}
	}
	_, files := writeReport(t, run)
	page := readFile(t, files.Index)
	assert.Contains(t, page, `id="nologs"`, "the page says why there are no log tables")
	second := stepHTML(t, page, 2)
	assert.Equal(t, 5, strings.Count(second, `<table class="log nolog">`), "each node's role, term and commit index")
	assert.NotContains(t, second, "empty log")
	assert.NotContains(t, page, `<span class="swatch committed">`, "no legend for tables that are not drawn")
	assert.Empty(t, rowClassPattern.FindAllString(second, -1))
}

func TestWriteStepEventsAndTimes(t *testing.T) {
	run := partitionRun()
	run.Steps[0].At = 1_159_851_606
	run.Steps[0].Events = []string{"0.119 s client: set /message much on n1 -> ok (etcd index 12)"}
	_, files := writeReport(t, run)
	first := stepHTML(t, readFile(t, files.Index), 1)
	assert.Contains(t, first, `<span class="at">at 1.160 s</span>`)
	assert.Contains(t, first, `<ul class="events"><li>0.119 s client: set /message much on n1 -&gt; ok (etcd index 12)</li></ul>`)
	assert.Contains(t, first, "commit index 0")
}

func TestWriteNarrativeKeepsTheTerminalsColumns(t *testing.T) {
	run := partitionRun()
	run.Narrative = []string{
		"== 1. Five followers  [t=0.015 s]",
		"           n1 (L)  n2        n3",
		"   role    leader  follower  follower",
	}
	_, files := writeReport(t, run)
	page := readFile(t, files.Index)
	assert.Equal(t, strings.Join(run.Narrative, "\n"), elementText(t, page, "narrative"))
	assert.Contains(t, page, `<pre class="narrative" id="narrative">`)
	assert.Contains(t, styleSheet, "pre.narrative { white-space: pre;")
}

func TestWriteNamesTheClock(t *testing.T) {
	run := partitionRun()
	_, files := writeReport(t, run)
	page := readFile(t, files.Index)
	assert.Contains(t, page, "<dt>Virtual time</dt><dd id=\"duration\">7.000 s</dd>")

	assert.Equal(t, "the simulator", elementText(t, page, "server"))

	run.WallTime, run.Server = true, "kvd (real processes)"
	dir, files := writeReport(t, run)
	page = readFile(t, files.Index)
	assert.Contains(t, page, "<dt>Wall time</dt>")
	assert.Equal(t, "kvd (real processes)", elementText(t, page, "server"))
	assert.NotContains(t, page, "Virtual time")
	for _, name := range []string{FigureTimeline, FigureCommit, FigureLatency, FigureThroughput} {
		texts := strings.Join(svgTexts(t, svgPath(dir, name)), "|")
		assert.Contains(t, texts, "wall time (s)", name)
		assert.NotContains(t, texts, "virtual", name)
	}
}

func TestWriteLinksHomeAndParent(t *testing.T) {
	run := partitionRun()
	_, files := writeReport(t, run)
	page := readFile(t, files.Index)
	assert.Contains(t, page, `<nav class="home" id="home" hidden><a href="/">`, "every report links labd's home page")
	assert.NotContains(t, page, `id="parent-link"`)

	run.Parent = Link{Text: "sweep chaos-standard, seeds 1..200", Href: "../index.html"}
	_, files = writeReport(t, run)
	page = readFile(t, files.Index)
	assert.Contains(t, page, `<a href="../index.html" id="parent-link">&uarr; sweep chaos-standard, seeds 1..200</a>`)
}
