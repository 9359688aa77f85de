package reports

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWriteSweepLinksEveryRunReport(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "sweep")
	rows := []SweepRow{
		{Seed: 1, Passed: true, Ops: 120, VirtualSeconds: 7, Dir: "seed-1", Replay: "labd replay -seed 1"},
		{Seed: 2, Passed: false, Ops: 98, VirtualSeconds: 6.5, Dir: "runs/seed-2/", Replay: `labd replay -seed 2 -note "x<y"`, Problems: []string{"stale read of /k", "term went backwards"}},
		{Seed: 3, Passed: true, Ops: 0, VirtualSeconds: 0, Replay: "labd replay -seed 3"},
	}
	for _, r := range rows {
		if r.Dir == "" {
			continue
		}
		run := partitionRun()
		run.Seed = r.Seed
		_, err := Write(filepath.Join(dir, filepath.FromSlash(r.Dir)), run)
		require.NoError(t, err)
	}

	out, err := WriteSweep(dir, "chaos sweep <nightly>", rows)
	require.NoError(t, err)
	require.Equal(t, filepath.Join(dir, IndexFile), out)
	page := readFile(t, out)

	requireLinksResolve(t, dir, page)
	var links []string
	for _, l := range linksOf(page) {
		if l != HomeLink {
			links = append(links, l)
		}
	}
	assert.Len(t, links, 2, "one link per row with a report dir")
	assert.Contains(t, links, "seed-1/index.html")
	assert.Contains(t, links, "runs/seed-2/index.html")

	assert.Contains(t, page, "<h1>chaos sweep &lt;nightly&gt;</h1>")
	assert.Contains(t, page, `<div class="verdict fail" id="summary">2 of 3 seeds passed</div>`)
	assert.Equal(t, 1, strings.Count(page, `<tr class="failed">`))
	assert.Contains(t, page, "labd replay -seed 2 -note &#34;x&lt;y&#34;")
	for _, p := range rows[1].Problems {
		assert.Contains(t, page, "<div>"+p+"</div>")
	}
}

func TestWriteSweepAllPassedIsGreen(t *testing.T) {
	out, err := WriteSweep(t.TempDir(), "", []SweepRow{{Seed: 9, Passed: true}})
	require.NoError(t, err)
	page := readFile(t, out)
	assert.Contains(t, page, `<div class="verdict pass" id="summary">1 of 1 seed passed</div>`)
	assert.Contains(t, page, `<p class="none">No seed failed.</p>`)
	assert.Contains(t, page, `<details id="passed-seeds" open>`, "with nothing failed, the passing seeds are shown")
	assert.Contains(t, page, "<title>Seed sweep</title>", "default title")
}

func TestWriteSweepWithoutRows(t *testing.T) {
	dir := t.TempDir()
	out, err := WriteSweep(dir, "nothing ran", nil)
	require.NoError(t, err)
	page := readFile(t, out)
	assert.Contains(t, page, "<p>No runs.</p>")
	assert.Equal(t, []string{HomeLink}, linksOf(page))
}

func TestWriteSweepRejectsLinksOutsideTheSweep(t *testing.T) {
	for _, bad := range []string{"https://example.com/run", "../elsewhere", "/abs/run"} {
		t.Run(bad, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "sweep")
			_, err := WriteSweep(dir, "t", []SweepRow{{Seed: 4, Dir: bad}})
			require.ErrorIs(t, err, ErrInvalidRun)
			assert.ErrorContains(t, err, "seed 4")
			_, statErr := os.Stat(dir)
			assert.True(t, os.IsNotExist(statErr))
		})
	}
}

func TestRunLink(t *testing.T) {
	tests := []struct{ dir, want string }{
		{"", ""},
		{"seed-1", "seed-1/index.html"},
		{"seed-1/", "seed-1/index.html"},
		{"seed-1/report.html", "seed-1/report.html"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, runLink(tt.dir), tt.dir)
	}
}

// TestKnownBugSweepPageSaysFound: on a known-bug sweep a failing seed found the bug; the page counts
// them and is green when there is at least one.
func TestKnownBugSweepPageSaysFound(t *testing.T) {
	rows := []SweepRow{{Seed: 1, Passed: true}, {Seed: 2, Problems: []string{"stale read"}}, {Seed: 3}}
	out, err := WriteSweepPage(t.TempDir(), Sweep{Title: "bug sweep", KnownBug: true, Rows: rows})
	require.NoError(t, err)
	page := readFile(t, out)
	assert.Contains(t, page, `<div class="verdict pass" id="summary">known bug found in 2 of 3 seeds</div>`)
	assert.Equal(t, 2, strings.Count(page, `<td class="outcome">bug found</td>`))
	assert.Equal(t, 1, strings.Count(page, `<td class="outcome">bug not found</td>`))
	assert.NotContains(t, page, "FAILED")

	out, err = WriteSweepPage(t.TempDir(), Sweep{KnownBug: true, Rows: []SweepRow{{Seed: 1, Passed: true}}})
	require.NoError(t, err)
	assert.Contains(t, readFile(t, out), `<div class="verdict fail" id="summary">known bug found in 0 of 1 seed</div>`)
}

// TestWriteSweepPageShowsTotalsAndFailuresFirst: a long sweep reads from the top: the totals, then
// the failed seeds, then the passing ones folded away.
func TestWriteSweepPageShowsTotalsAndFailuresFirst(t *testing.T) {
	var rows []SweepRow
	for seed := int64(1); seed <= 200; seed++ {
		r := SweepRow{Seed: seed, Passed: seed != 17 && seed != 150, Ops: 10, VirtualSeconds: 1.5, Replay: "replay"}
		if !r.Passed {
			r.Problems = []string{"at 3.087 s: state-machine safety"}
		}
		rows = append(rows, r)
	}
	out, err := WriteSweepPage(t.TempDir(), Sweep{Title: "sweep chaos-standard, seeds 1..200", Rows: rows,
		OpsChecked: 1990, Wall: 121_000_000_000})
	require.NoError(t, err)
	page := readFile(t, out)

	assert.Contains(t, page, `<div class="verdict fail" id="summary">198 of 200 seeds passed</div>`)
	assert.Contains(t, page, "<tr><th>seeds</th><th>passed</th><th>failed</th><th>operations</th><th>operations checked</th><th>virtual time</th><th>wall time</th></tr>\n"+
		"<tr><td>200</td><td>198</td><td>2</td><td>2000</td><td>1990</td><td>300.000 s</td><td>121.000 s</td></tr>")
	failed := strings.Index(page, `<h2 id="failed-heading">Failed seeds (2)</h2>`)
	passed := strings.Index(page, `<details id="passed-seeds">`)
	require.Positive(t, failed)
	require.Positive(t, passed, "the passing seeds are folded away when some failed")
	assert.Less(t, failed, passed)
	before := page[failed:passed]
	assert.Equal(t, 2, strings.Count(before, `<tr class="failed">`), "the failures come first")
	assert.Less(t, strings.Index(before, "<td>17</td>"), strings.Index(before, "<td>150</td>"))
	assert.Equal(t, 198, strings.Count(page[passed:], `<tr class="passed">`))
	assert.Contains(t, page, "<summary>198 seeds passed</summary>")
	assert.Contains(t, page, "<td>1.500 s</td>", "virtual time per seed in seconds")
}
