package reports

import (
	"fmt"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Timeline geometry in data units (one lane is one unit tall).
const (
	laneHalfHeight   = 0.35
	faultLabelRow    = 0.22 // above the top lane; a second row sits one step higher
	faultLabelStep   = 0.32
	timelineHeadroom = 0.85
)

// timelineFigure is the timeline with a key of the role colours under its title.
func timelineFigure(run Run, lanes []lane, end int64) figure {
	key := make([]keyEntry, 0, len(roleOrder)+1)
	for _, role := range roleOrder {
		key = append(key, keyEntry{label: role, thumb: swatch{fill: roleColor(role)}})
	}
	if len(run.Faults) > 0 {
		key = append(key, keyEntry{label: "fault window", thumb: swatch{fill: faultShade}})
	}
	return plotFigure(FigureTimeline, timelinePlot(run, lanes, end), key)
}

// timelinePlot draws one lane per node coloured by role, with the term
// written where it changes and the fault windows shaded and labelled.
// Faults are shaded behind the lanes, so a lane keeps its role's colour
// and the shading shows between the lanes.
func timelinePlot(run Run, lanes []lane, end int64) *plot.Plot {
	p := newTimePlot("Roles and terms per node", "", run.WallTime)
	if len(lanes) == 0 {
		p.HideY()
		addNote(p, "no nodes")
		fixXRange(p, end)
		return p
	}
	names := make([]string, len(lanes))
	for i, l := range lanes {
		names[len(lanes)-1-i] = l.name
	}
	p.NominalY(names...)
	p.Add(timeline{
		lanes:  lanes,
		segs:   segmentsOf(run.Samples, lanes, end),
		faults: run.Faults,
	})
	fixXRange(p, end)
	p.Y.Min = -0.5 - (1 - 2*laneHalfHeight)
	p.Y.Max = float64(len(lanes)) - 0.5 + timelineHeadroom
	return p
}

// timeline is the plotter behind timelinePlot.
type timeline struct {
	lanes  []lane
	segs   []segment
	faults []FaultWindow
}

// laneY is the data Y of lane i; the first lane is drawn on top.
func (t timeline) laneY(i int) float64 { return float64(len(t.lanes) - 1 - i) }

// Plot implements plot.Plotter.
func (t timeline) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	small := p.Y.Tick.Label
	small.Font.Size = annotationFontSize
	small.XAlign = text.XLeft
	small.YAlign = text.YCenter

	t.shadeFaults(c, trX, trY)
	for _, s := range t.segs {
		y := t.laneY(s.lane)
		pts := rect(trX(seconds(s.start)), trY(y-laneHalfHeight), trX(seconds(s.end)), trY(y+laneHalfHeight))
		c.FillPolygon(roleColor(s.role), c.ClipPolygonXY(pts))
	}
	t.drawFaults(c, trX, trY, small)
	t.drawTerms(c, trX, trY, small)
}

// shadeFaults shades each fault window over the height of all lanes.
func (t timeline) shadeFaults(c draw.Canvas, trX, trY func(float64) vg.Length) {
	top := float64(len(t.lanes)) - 0.5
	for _, f := range t.faults {
		x0, x1 := trX(seconds(f.Start)), trX(seconds(f.End))
		c.FillPolygon(faultShade, c.ClipPolygonXY(rect(x0, trY(-0.5), x1, trY(top))))
	}
}

// drawFaults outlines the lanes of the nodes each fault names and writes
// its label above the lanes.
func (t timeline) drawFaults(c draw.Canvas, trX, trY func(float64) vg.Length, sty text.Style) {
	idx := laneIndex(t.lanes)
	top := float64(len(t.lanes)) - 0.5
	outline := draw.LineStyle{Color: faultOutline, Width: vg.Points(1.5), Dashes: []vg.Length{vg.Points(4), vg.Points(2)}}
	sty.Color = faultOutline
	rowEnd := []vg.Length{c.Min.X - 1, c.Min.X - 1}
	for _, f := range t.faults {
		x0, x1 := trX(seconds(f.Start)), trX(seconds(f.End))
		for _, id := range f.Nodes {
			y := t.laneY(idx[id])
			box := rect(x0, trY(y-laneHalfHeight-0.08), x1, trY(y+laneHalfHeight+0.08))
			box = append(box, box[0])
			c.StrokeLines(outline, c.ClipLinesXY(box)...)
		}
		if f.Label == "" {
			continue
		}
		row := 0
		if rowEnd[0] > x0 && rowEnd[1] <= x0 {
			row = 1
		}
		pt := vg.Point{X: x0 + vg.Points(2), Y: trY(top + faultLabelRow + float64(row)*faultLabelStep)}
		if c.Contains(pt) {
			c.FillText(sty, pt, f.Label)
		}
		rowEnd[row] = pt.X + sty.Width(f.Label)
	}
}

// drawTerms writes "tN" at the start of every segment that begins a new
// term, skipping labels that would overlap the previous one on the lane.
func (t timeline) drawTerms(c draw.Canvas, trX, trY func(float64) vg.Length, sty text.Style) {
	lastEnd := make([]vg.Length, len(t.lanes))
	for i := range lastEnd {
		lastEnd[i] = c.Min.X - 1
	}
	for _, s := range t.segs {
		if !s.newTerm || s.term == 0 {
			continue
		}
		label := fmt.Sprintf("t%d", s.term)
		pt := vg.Point{X: trX(seconds(s.start)) + vg.Points(2), Y: trY(t.laneY(s.lane))}
		if pt.X < lastEnd[s.lane] || !c.Contains(pt) {
			continue
		}
		c.FillText(sty, pt, label)
		lastEnd[s.lane] = pt.X + sty.Width(label) + vg.Points(2)
	}
}
