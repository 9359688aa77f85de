package reports

import (
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// Throughput bucketing: aim for about targetBuckets buckets, never narrower
// than minBucket.
const (
	targetBuckets = 50
	minBucket     = int64(1_000_000) // 1 ms
)

// bucketWidth picks a 1-2-5 width in ns that splits [0, end] into about
// targetBuckets buckets.
func bucketWidth(end int64) int64 {
	want := end / targetBuckets
	w := minBucket
	for {
		for _, m := range []int64{1, 2, 5} {
			if w*m >= want {
				return w * m
			}
		}
		w *= 10
	}
}

// throughputSeries counts ok ops by return time in buckets of width ns
// covering [0, end] and converts each count to ops per second, one point per
// bucket start plus a closing point at end. A last bucket cut short by end
// is merged into the bucket before it, so a few operations in a sliver of
// time at the end do not show as a spike.
func throughputSeries(ops []OpPoint, end, width int64) plotter.XYs {
	n := max(1, int(end/width)) // full buckets; the last one also takes the remainder
	counts := make([]int, n)
	for _, op := range ops {
		if op.Outcome != OutcomeOK || op.Return < 0 {
			continue
		}
		counts[min(int(op.Return/width), n-1)]++
	}
	pts := make(plotter.XYs, 0, n+1)
	for i, c := range counts {
		start := int64(i) * width
		span := width
		if i == n-1 {
			span = max(end-start, 1)
		}
		pts = append(pts, plotter.XY{X: seconds(start), Y: float64(c) / seconds(span)})
	}
	// Close the last bucket so the step line reaches the end of the run.
	pts = append(pts, plotter.XY{X: max(seconds(end), pts[n-1].X), Y: pts[n-1].Y})
	return pts
}

// throughputFigure draws completed ok operations per second.
func throughputFigure(ops []OpPoint, end int64, wall bool) (figure, error) {
	yLabel := "ok operations per virtual second"
	if wall {
		yLabel = "ok operations per second"
	}
	p := newTimePlot("Throughput (ok operations)", yLabel, wall)
	width := bucketWidth(end)
	line, err := plotter.NewLine(throughputSeries(ops, end, width))
	if err != nil {
		return figure{}, err
	}
	line.StepStyle = plotter.PostStep
	line.Color = okColor
	line.Width = vg.Points(1.5)
	p.Add(line)
	if len(ops) == 0 {
		addNote(p, "no client operations")
	}
	fixXRange(p, end)
	p.Y.Min = 0
	p.Y.Tick.Marker = readableTicks{}
	padTop(p, headroomFraction)
	return plotFigure(FigureThroughput, p, nil), nil
}
