package reports

import (
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// commitPlot draws each node's commit index over time, one stepped line per
// node, held until the end of the run.
func commitPlot(samples []Sample, lanes []lane, end int64) (*plot.Plot, error) {
	p := newTimePlot("Commit index per node", "commit index")
	// Commit indexes rise to the right, so the bottom right stays free.
	p.Legend.Top = false
	p.Legend.Left = false
	series := commitSeries(samples, lanes, end)
	drawn := 0
	for i, pts := range series {
		if len(pts) == 0 {
			continue
		}
		line, err := plotter.NewLine(pts)
		if err != nil {
			return nil, err
		}
		line.StepStyle = plotter.PostStep
		line.Color = nodeColor(i)
		line.Width = vg.Points(1.5)
		p.Add(line)
		p.Legend.Add(lanes[i].name, line)
		drawn++
	}
	if drawn == 0 {
		addNote(p, "no samples")
	}
	fixXRange(p, end)
	p.Y.Min = 0
	return p, nil
}

// commitSeries is, per lane, the (seconds, commit) points of that node in
// time order, with a final point at end so the last value is visible.
func commitSeries(samples []Sample, lanes []lane, end int64) []plotter.XYs {
	idx := laneIndex(lanes)
	byLane := make([][]Sample, len(lanes))
	for _, s := range samples {
		byLane[idx[s.Node]] = append(byLane[idx[s.Node]], s)
	}
	out := make([]plotter.XYs, len(lanes))
	for i, ss := range byLane {
		sortSamples(ss)
		for _, s := range ss {
			out[i] = append(out[i], plotter.XY{X: seconds(s.At), Y: float64(s.Commit)})
		}
		if n := len(ss); n > 0 && end > ss[n-1].At {
			out[i] = append(out[i], plotter.XY{X: seconds(end), Y: float64(ss[n-1].Commit)})
		}
	}
	return out
}
