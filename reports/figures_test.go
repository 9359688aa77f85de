package reports

import (
	"fmt"
	"image/color"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTimelineWritesTermsFaultsRolesAndNodes(t *testing.T) {
	run := partitionRun()
	dir, _ := writeReport(t, run)
	texts := svgTexts(t, filepath.Join(dir, svgName(FigureTimeline)))

	terms := map[uint64]bool{}
	for _, smp := range run.Samples {
		if smp.Term > 0 {
			terms[smp.Term] = true
		}
	}
	assert.Len(t, terms, 2, "fixture goes from term 1 to term 2")
	for term := range terms {
		assert.Contains(t, texts, fmt.Sprintf("t%d", term))
	}
	for _, f := range run.Faults {
		assert.Contains(t, texts, f.Label)
	}
	for _, role := range roleOrder {
		assert.Contains(t, texts, role, "role legend")
	}
	for _, n := range run.Nodes {
		assert.Contains(t, texts, n.Name, "lane label")
	}
	assert.Contains(t, texts, "virtual time (s)")
}

func TestTimelineSkipsOverlappingTermLabels(t *testing.T) {
	run := Run{Nodes: []NodeInfo{{ID: 1, Name: "n1"}}}
	// Terms change every microsecond for a while: far too close to label each.
	for i := range 50 {
		run.Samples = append(run.Samples, Sample{At: int64(i) * 1000, Node: 1, Role: RoleCandidate, Term: uint64(i + 1)})
	}
	run.Samples = append(run.Samples,
		Sample{At: 10 * s, Node: 1, Role: RoleLeader, Term: 99},
		Sample{At: 20 * s, Node: 1, Role: RoleLeader, Term: 99, Commit: 1},
	)
	dir, _ := writeReport(t, run)
	texts := svgTexts(t, filepath.Join(dir, svgName(FigureTimeline)))
	assert.Contains(t, texts, "t1")
	assert.NotContains(t, texts, "t2", "crowded label skipped")
	assert.Contains(t, texts, "t99")
}

func TestCommitFigureHasAPanelPerNode(t *testing.T) {
	run := partitionRun()
	dir, _ := writeReport(t, run)
	texts := svgTexts(t, filepath.Join(dir, svgName(FigureCommit)))
	for _, n := range run.Nodes {
		assert.Contains(t, texts, n.Name)
	}
	assert.Contains(t, texts, commitTitle)
	assert.Equal(t, 1, countOf(texts, "virtual time (s)"), "the panels share one time axis")
	assert.Equal(t, len(run.Nodes), countOf(texts, "69"), "every panel has the same scale, up to the highest commit index")
	svg := readFile(t, filepath.Join(dir, svgName(FigureCommit)))
	for i := range run.Nodes {
		assert.Contains(t, svg, svgStroke(nodeColor(i)), "node %d has its own colour", i+1)
	}
}

// countOf counts the elements of texts equal to want.
func countOf(texts []string, want string) int {
	n := 0
	for _, t := range texts {
		if t == want {
			n++
		}
	}
	return n
}

// svgStroke is how an opaque colour appears as a stroke in gonum's SVG output.
func svgStroke(c color.Color) string {
	return "stroke:" + strings.TrimPrefix(svgFill(c), "fill:")
}

func TestLatencyFigureDistinguishesOutcomes(t *testing.T) {
	run := partitionRun()
	dir, _ := writeReport(t, run)
	texts := svgTexts(t, filepath.Join(dir, svgName(FigureLatency)))
	for _, outcome := range []string{"ok", "failed", "unknown"} {
		assert.Contains(t, texts, outcome, "key entry")
	}
	assert.Contains(t, texts, "latency (log scale)")
	assert.Subset(t, texts, []string{"2 ms", "10 ms", "100 ms", "1 s", "5 s"}, "decades and ends in readable units")

	run.Ops = run.Ops[:1] // a single ok op: no fail or unknown entries
	dir, _ = writeReport(t, run)
	texts = svgTexts(t, filepath.Join(dir, svgName(FigureLatency)))
	assert.Contains(t, texts, OutcomeOK)
	assert.NotContains(t, texts, "failed")
	assert.NotContains(t, texts, OutcomeUnknown)
}

func TestHistogramAndThroughputAxes(t *testing.T) {
	dir, _ := writeReport(t, partitionRun())
	hist := svgTexts(t, filepath.Join(dir, svgName(FigureLatencyHist)))
	assert.Contains(t, hist, "latency (log scale)")
	assert.Subset(t, hist, []string{"2 ms", "5 ms", "10 ms"}, "a narrow range is ticked at 1, 2 and 5")
	throughput := svgTexts(t, filepath.Join(dir, svgName(FigureThroughput)))
	assert.Contains(t, throughput, "ok operations per virtual second")
	for _, text := range append(hist, throughput...) {
		assert.NotRegexp(t, `^\d+\.0+$`, text, "tick labels carry no useless decimals")
	}
}

// svgFill is how an opaque colour appears as a fill in gonum's SVG output.
func svgFill(c color.Color) string {
	r, g, b, _ := c.RGBA()
	return fmt.Sprintf("fill:#%02X%02X%02X", r>>8, g>>8, b>>8)
}

func TestTimelineColoursSegmentsByRole(t *testing.T) {
	run := partitionRun()
	dir, _ := writeReport(t, run)
	svg := readFile(t, filepath.Join(dir, svgName(FigureTimeline)))

	lanes := lanesOf(run)
	perRole := map[string]int{}
	for _, seg := range segmentsOf(run.Samples, lanes, runEnd(run)) {
		perRole[seg.role]++
	}
	require.NotZero(t, perRole[RoleLeader])
	require.NotZero(t, perRole[RolePaused])
	for _, role := range roleOrder {
		// One swatch in the legend plus one rectangle per segment.
		assert.Equal(t, 1+perRole[role], strings.Count(svg, svgFill(roleColor(role))+`"`), role)
	}
}

func TestTimelineShadesFaultsAndOutlinesAffectedNodes(t *testing.T) {
	run := partitionRun()
	affected := 0
	for _, f := range run.Faults {
		affected += len(f.Nodes)
	}
	dir, _ := writeReport(t, run)
	svg := readFile(t, filepath.Join(dir, svgName(FigureTimeline)))
	assert.Equal(t, len(run.Faults)+1, strings.Count(svg, "fill-opacity:"), "one translucent band per fault, one in the key")
	assert.Equal(t, affected, strings.Count(svg, "stroke-dasharray:"), "one dashed outline per affected lane")

	run.Faults = nil
	dir, _ = writeReport(t, run)
	svg = readFile(t, filepath.Join(dir, svgName(FigureTimeline)))
	assert.Zero(t, strings.Count(svg, "fill-opacity:"))
	assert.Zero(t, strings.Count(svg, "stroke-dasharray:"))
}
