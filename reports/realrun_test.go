package reports

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestWriteRealRunSaysWallTimeServerAndSkips: a run on real processes says which server ran and
// that its times are wall time (page and figures), counts a skipped assertion as skipped (not
// passed) and says that its slides show no logs.
func TestWriteRealRunSaysWallTimeServerAndSkips(t *testing.T) {
	run := partitionRun()
	run.WallTime, run.NoLogs, run.Server = true, true, "etcd 3.5.33 (/cache/etcd)"
	run.Assertions = append(run.Assertions, Assertion{Line: 99, Text: "expect logs {n1}: 1 much", Skipped: true,
		Detail: "logs cannot be seen from outside the servers"})
	for i := range run.Steps {
		for j := range run.Steps[i].Logs {
			run.Steps[i].Logs[j].Entries = nil
		}
	}
	_, files := writeReport(t, run)
	page := readFile(t, files.Index)

	assert.Equal(t, "etcd 3.5.33 (/cache/etcd)", elementText(t, page, "server"))
	assert.Contains(t, page, "<dt>Wall time</dt>")
	assert.NotContains(t, page, "Virtual time")
	assert.Contains(t, page, `id="nologs"`)
	assert.Contains(t, page, `<tr class="skipped"><td>99</td><td>expect logs {n1}: 1 much</td><td class="outcome">skipped</td>`)
	assert.Regexp(t, `Assertions \(\d+ of \d+ passed, 1 skipped\)`, page)
	assert.Equal(t, 0, strings.Count(page, `class="empty"`), "no empty log rows stand for logs nobody saw")

	figs, err := buildFigures(run, lanesOf(run), runEnd(run))
	assert.NoError(t, err)
	for _, f := range figs {
		assert.NotContains(t, f.plot.X.Label.Text, "virtual", "%s: %s", f.name, f.plot.X.Label.Text)
		assert.NotContains(t, f.plot.Y.Label.Text, "virtual", "%s: %s", f.name, f.plot.Y.Label.Text)
	}
}

// TestWriteSimulatedRunNamesTheSimulator: a simulated run's page says virtual time and the simulator.
func TestWriteSimulatedRunNamesTheSimulator(t *testing.T) {
	_, files := writeReport(t, partitionRun())
	page := readFile(t, files.Index)
	assert.Equal(t, "the simulator", elementText(t, page, "server"))
	assert.Contains(t, page, "<dt>Virtual time</dt>")
	assert.NotContains(t, page, `id="nologs"`)
}
