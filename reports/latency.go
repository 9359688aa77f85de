package reports

import (
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// maxHistogramBins caps the histogram's bin count for large runs.
const maxHistogramBins = 40

// latencyMillis is how long op took in milliseconds; an op that never
// returned is counted as pending until end.
func latencyMillis(op OpPoint, end int64) float64 {
	ret := op.Return
	if neverReturned(op) {
		ret = max(end, op.Call)
	}
	return float64(ret-op.Call) / 1e6
}

// latencyPoints splits ops by outcome into (call seconds, latency ms) points.
func latencyPoints(ops []OpPoint, end int64) (ok, fail, unknown plotter.XYs) {
	for _, op := range ops {
		pt := plotter.XY{X: seconds(op.Call), Y: latencyMillis(op, end)}
		switch op.Outcome {
		case OutcomeOK:
			ok = append(ok, pt)
		case OutcomeFail:
			fail = append(fail, pt)
		default:
			unknown = append(unknown, pt)
		}
	}
	return ok, fail, unknown
}

// latencyPlot scatters every op's latency against its call time, with
// ok, fail and unknown outcomes in different colours and shapes.
func latencyPlot(ops []OpPoint, end int64) (*plot.Plot, error) {
	p := newTimePlot("Client latency", "latency (ms)")
	p.Legend.Top = true
	ok, fail, unknown := latencyPoints(ops, end)
	groups := []struct {
		name  string
		pts   plotter.XYs
		style draw.GlyphStyle
	}{
		{OutcomeOK, ok, draw.GlyphStyle{Color: okColor, Radius: vg.Points(1.6), Shape: draw.CircleGlyph{}}},
		{OutcomeFail, fail, draw.GlyphStyle{Color: failColor, Radius: vg.Points(2.5), Shape: draw.CrossGlyph{}}},
		{OutcomeUnknown, unknown, draw.GlyphStyle{Color: unknownColor, Radius: vg.Points(2.5), Shape: draw.TriangleGlyph{}}},
	}
	for _, g := range groups {
		if len(g.pts) == 0 {
			continue
		}
		sc, err := plotter.NewScatter(g.pts)
		if err != nil {
			return nil, err
		}
		sc.GlyphStyle = g.style
		p.Add(sc)
		p.Legend.Add(g.name, sc)
	}
	if len(ops) == 0 {
		addNote(p, "no client operations")
	}
	fixXRange(p, end)
	p.Y.Min = 0
	padTop(p, legendHeadroomFraction)
	return p, nil
}

// latencyHistPlot is a histogram of the latencies of ok ops.
func latencyHistPlot(ops []OpPoint, end int64) (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text = "Latency of ok operations"
	p.X.Label.Text = "latency (ms)"
	p.Y.Label.Text = "operations"
	var vals plotter.Values
	for _, op := range ops {
		if op.Outcome == OutcomeOK {
			vals = append(vals, latencyMillis(op, end))
		}
	}
	if len(vals) == 0 {
		addNote(p, "no ok operations")
		p.X.Min, p.X.Max = 0, 1
		return p, nil
	}
	bins := min(maxHistogramBins, int(math.Ceil(math.Sqrt(float64(len(vals))))))
	h, err := plotter.NewHist(vals, bins)
	if err != nil {
		return nil, err
	}
	h.FillColor = okColor
	h.LineStyle.Width = vg.Points(0.5)
	p.Add(h)
	p.Y.Min = 0
	padTop(p, headroomFraction)
	return p, nil
}
