package reports

import (
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Geometry of the commit-index small multiples: one panel per node.
const (
	commitPanelPx = 62  // height of one node's panel
	commitFramePx = 110 // title, time axis and margins
)

// commitTitle is the commit figure's title.
const commitTitle = "Commit index per node (Raft's, counting no-op entries)"

// commitFigure draws each node's commit index over time as small multiples: one panel per node,
// stacked on a shared time axis and a shared scale, so lines that would coincide on one plot stay
// apart and a node that falls behind stands out. Fault windows that name the node are shaded in
// its panel.
func commitFigure(run Run, lanes []lane, end int64) (figure, error) {
	series := commitSeries(run.Samples, lanes, end)
	top := 0.0
	drawn := 0
	for _, pts := range series {
		for _, pt := range pts {
			top = max(top, pt.Y)
		}
		if len(pts) > 0 {
			drawn++
		}
	}
	if drawn == 0 {
		p := newTimePlot(commitTitle, "commit index", run.WallTime)
		addNote(p, "no samples")
		fixXRange(p, end)
		return plotFigure(FigureCommit, p, nil), nil
	}
	top = max(top, 1)
	var panels []*plot.Plot
	var names []string
	for i, pts := range series {
		if len(pts) == 0 {
			continue
		}
		p, err := commitPanel(pts, nodeFaults(run.Faults, lanes[i].id), i, top, end, run.WallTime)
		if err != nil {
			return figure{}, err
		}
		panels = append(panels, p)
		names = append(names, lanes[i].name)
	}
	for _, p := range panels[:len(panels)-1] {
		p.HideX() // the panels share the bottom panel's time axis
		p.X.Label.Text = ""
	}
	return figure{
		name:     FigureCommit,
		title:    commitTitle,
		heightPx: commitFramePx + commitPanelPx*len(panels),
		draw:     func(c draw.Canvas) { drawPanels(c, commitTitle, names, panels) },
	}, nil
}

// commitPanel is one node's panel: its commit index as a step line on the shared scale [0, top].
func commitPanel(pts plotter.XYs, faults []FaultWindow, lane int, top float64, end int64, wall bool) (*plot.Plot, error) {
	p := newTimePlot("", "", wall)
	styleFonts(p)
	p.Add(faultBands{faults: faults})
	line, err := plotter.NewLine(pts)
	if err != nil {
		return nil, err
	}
	line.StepStyle = plotter.PostStep
	line.Color = nodeColor(lane)
	line.Width = vg.Points(2)
	p.Add(line)
	fixXRange(p, end)
	p.Y.Min, p.Y.Max = 0, top*(1+headroomFraction)
	p.Y.Tick.Marker = plot.ConstantTicks{
		{Value: 0, Label: "0"},
		{Value: top, Label: strconv.FormatFloat(top, 'f', 0, 64)},
	}
	return p, nil
}

// drawPanels draws the title, then the panels stacked top to bottom, each named on its left.
func drawPanels(c draw.Canvas, title string, names []string, panels []*plot.Plot) {
	head := panels[0].Title.TextStyle
	head.Font.Size = titleFontSize
	head.XAlign, head.YAlign = text.XCenter, text.YTop
	c.FillText(head, vg.Point{X: c.Center().X, Y: c.Max.Y}, title)
	titleHeight := head.Rectangle(title).Size().Y + vg.Points(6)

	nameStyle := panels[0].Y.Label.TextStyle
	nameStyle.Rotation = 0
	nameStyle.XAlign, nameStyle.YAlign = text.XLeft, text.YCenter
	nameWidth := vg.Points(30)

	area := draw.Crop(c, nameWidth, 0, 0, -titleHeight)
	rows := make([][]*plot.Plot, len(panels))
	for i, p := range panels {
		rows[i] = []*plot.Plot{p}
	}
	cells := plot.Align(rows, draw.Tiles{Rows: len(panels), Cols: 1, PadY: vg.Points(4)}, area)
	for i, p := range panels {
		p.Draw(cells[i][0])
		mid := (cells[i][0].Min.Y + cells[i][0].Max.Y) / 2
		c.FillText(nameStyle, vg.Point{X: c.Min.X + vg.Points(4), Y: mid}, names[i])
	}
}

// nodeFaults are the fault windows that name node id, or name no node (cluster-wide).
func nodeFaults(faults []FaultWindow, id uint64) []FaultWindow {
	var out []FaultWindow
	for _, f := range faults {
		if len(f.Nodes) == 0 {
			out = append(out, f)
			continue
		}
		for _, n := range f.Nodes {
			if n == id {
				out = append(out, f)
				break
			}
		}
	}
	return out
}

// faultBands shades fault windows over the whole height of a plot's data area.
type faultBands struct {
	faults []FaultWindow
}

// Plot implements plot.Plotter.
func (b faultBands) Plot(c draw.Canvas, p *plot.Plot) {
	trX, _ := p.Transforms(&c)
	for _, f := range b.faults {
		c.FillPolygon(faultShade, c.ClipPolygonXY(rect(trX(seconds(f.Start)), c.Min.Y, trX(seconds(f.End)), c.Max.Y)))
	}
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
