package reports

import (
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// logBin is one bar of a log-binned histogram: the values in [lo, hi).
type logBin struct {
	lo, hi float64
	count  int
}

// logHistogram is a histogram whose bins are equally wide on a log axis.
type logHistogram struct {
	bins []logBin
}

// logBins counts vals (all within [lo, hi]) in histogramBinsPerDecade bins per factor of ten.
func logBins(vals []float64, lo, hi float64) logHistogram {
	n := max(1, int(math.Round(math.Log10(hi/lo)*histogramBinsPerDecade)))
	step := math.Log10(hi/lo) / float64(n)
	h := logHistogram{bins: make([]logBin, n)}
	for i := range h.bins {
		h.bins[i].lo = lo * math.Pow(10, step*float64(i))
		h.bins[i].hi = lo * math.Pow(10, step*float64(i+1))
	}
	for _, v := range vals {
		i := int(math.Floor(math.Log10(v/lo) / step))
		h.bins[min(max(i, 0), n-1)].count++
	}
	return h
}

// Plot implements plot.Plotter.
func (h logHistogram) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	outline := draw.LineStyle{Color: okColor, Width: vg.Points(0.5)}
	for _, b := range h.bins {
		if b.count == 0 {
			continue
		}
		box := rect(trX(b.lo), trY(0), trX(b.hi), trY(float64(b.count)))
		c.FillPolygon(okColor, c.ClipPolygonXY(box))
		c.StrokeLines(outline, c.ClipLinesXY(append(box, box[0]))...)
	}
}
