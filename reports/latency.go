package reports

import (
	"math"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// latencyFloorMillis is the least latency the log axes show: a faster operation (in virtual time
// an answer may take no time at all) is drawn at the floor.
const latencyFloorMillis = 0.01

// histogramBinsPerDecade is how finely the latency histogram splits each factor of ten.
const histogramBinsPerDecade = 5

// latencyMillis is how long op took in milliseconds; an op that never
// returned is counted as pending until end.
func latencyMillis(op OpPoint, end int64) float64 {
	ret := op.Return
	if neverReturned(op) {
		ret = max(end, op.Call)
	}
	return float64(ret-op.Call) / 1e6
}

// latencyPoints splits ops by outcome into (call seconds, latency ms) points, latencies raised to
// the log axis' floor.
func latencyPoints(ops []OpPoint, end int64) (ok, fail, unknown plotter.XYs) {
	for _, op := range ops {
		pt := plotter.XY{X: seconds(op.Call), Y: max(latencyMillis(op, end), latencyFloorMillis)}
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

// latencyFigure scatters every op's latency against its call time on a log axis in ms, with ok,
// failed and unknown outcomes in different colours and shapes and a key under the title.
func latencyFigure(ops []OpPoint, end int64, wall bool) (figure, error) {
	p := newTimePlot("Client latency", "latency (log scale)", wall)
	ok, fail, unknown := latencyPoints(ops, end)
	groups := []struct {
		name  string
		pts   plotter.XYs
		style draw.GlyphStyle
	}{
		{OutcomeOK, ok, draw.GlyphStyle{Color: okColor, Radius: vg.Points(2), Shape: draw.CircleGlyph{}}},
		{"failed", fail, draw.GlyphStyle{Color: failColor, Radius: vg.Points(3), Shape: draw.CrossGlyph{}}},
		{OutcomeUnknown, unknown, draw.GlyphStyle{Color: unknownColor, Radius: vg.Points(3), Shape: draw.TriangleGlyph{}}},
	}
	var key []keyEntry
	for _, g := range groups {
		if len(g.pts) == 0 {
			continue
		}
		sc, err := plotter.NewScatter(g.pts)
		if err != nil {
			return figure{}, err
		}
		sc.GlyphStyle = g.style
		p.Add(sc)
		key = append(key, keyEntry{label: g.name, thumb: sc})
	}
	fixXRange(p, end)
	if len(ops) == 0 {
		addNote(p, "no client operations")
		return plotFigure(FigureLatency, p, nil), nil
	}
	logMillisAxis(&p.Y, p.Y.Min, p.Y.Max)
	return plotFigure(FigureLatency, p, key), nil
}

// logMillisAxis makes axis a log axis of milliseconds from the 1-2-5 step at or below lo to the
// one at or above hi, ticked with readable durations.
func logMillisAxis(axis *plot.Axis, lo, hi float64) {
	lo = stepAtOrBelow(max(lo, latencyFloorMillis))
	hi = stepAtOrAbove(max(hi, latencyFloorMillis))
	if hi <= lo {
		hi = stepAtOrAbove(lo * 1.5)
	}
	axis.Min, axis.Max = lo, hi
	axis.Scale = plot.LogScale{}
	axis.Tick.Marker = millisTicks{}
}

// oneTwoFive are the steps of a decade the log axes end on.
var oneTwoFive = []float64{1, 2, 5, 10}

// stepAtOrBelow is the largest 1-2-5 step (…, 0.5, 1, 2, 5, 10, …) at or below v > 0.
func stepAtOrBelow(v float64) float64 {
	base := math.Pow(10, math.Floor(math.Log10(v)))
	out := base
	for _, m := range oneTwoFive {
		if base*m <= v*(1+1e-9) {
			out = base * m
		}
	}
	return out
}

// stepAtOrAbove is the smallest 1-2-5 step at or above v > 0.
func stepAtOrAbove(v float64) float64 {
	base := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range oneTwoFive {
		if base*m >= v*(1-1e-9) {
			return base * m
		}
	}
	return base * 10
}

// millisTicks ticks a log axis of milliseconds: every power of ten and both ends labelled ("0.1 ms",
// "10 ms", "1 s"), 2 and 5 labelled too when the axis spans two decades or less, the other
// multiples as minor ticks.
type millisTicks struct{}

// Ticks implements plot.Ticker.
func (millisTicks) Ticks(lo, hi float64) []plot.Tick {
	decades := math.Log10(hi / lo)
	var ticks []plot.Tick
	for exp := math.Floor(math.Log10(lo)); math.Pow(10, exp) <= hi; exp++ {
		base := math.Pow(10, exp)
		for m := 1.0; m < 10; m++ {
			v := base * m
			if v < lo*(1-1e-9) || v > hi*(1+1e-9) {
				continue
			}
			t := plot.Tick{Value: v}
			end := math.Abs(v/lo-1) < 1e-9 || math.Abs(v/hi-1) < 1e-9
			if m == 1 || end || decades <= 2 && (m == 2 || m == 5) {
				t.Label = millisLabel(v)
			}
			ticks = append(ticks, t)
		}
	}
	return ticks
}

// millisLabel writes a tick value in ms as a short duration: "0.01 ms", "2 ms", "500 ms", "1 s".
func millisLabel(v float64) string {
	if v >= 1000 {
		return trimFloat(v/1000) + " s"
	}
	return trimFloat(v) + " ms"
}

// trimFloat writes v with as few decimals as it needs, at most 3.
func trimFloat(v float64) string {
	return strconv.FormatFloat(math.Round(v*1000)/1000, 'f', -1, 64)
}

// latencyHistFigure is a histogram of the latencies of ok ops in log-spaced bins on a log axis.
func latencyHistFigure(ops []OpPoint, end int64) (figure, error) {
	p := plot.New()
	p.Title.Text = "Latency of ok operations"
	p.X.Label.Text = "latency (log scale)"
	p.Y.Label.Text = "operations"
	var vals []float64
	for _, op := range ops {
		if op.Outcome == OutcomeOK {
			vals = append(vals, max(latencyMillis(op, end), latencyFloorMillis))
		}
	}
	if len(vals) == 0 {
		addNote(p, "no ok operations")
		p.X.Min, p.X.Max = 0, 1
		return plotFigure(FigureLatencyHist, p, nil), nil
	}
	lo, hi := vals[0], vals[0]
	for _, v := range vals {
		lo, hi = min(lo, v), max(hi, v)
	}
	logMillisAxis(&p.X, lo, hi)
	bars := logBins(vals, p.X.Min, p.X.Max)
	p.Add(bars)
	p.Y.Min = 0
	p.Y.Max = 1
	for _, b := range bars.bins {
		p.Y.Max = max(p.Y.Max, float64(b.count))
	}
	p.Y.Tick.Marker = countTicks{}
	padTop(p, headroomFraction)
	return plotFigure(FigureLatencyHist, p, nil), nil
}
