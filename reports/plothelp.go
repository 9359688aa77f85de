package reports

import (
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Font sizes of every figure, large enough to read at the page's width.
const (
	titleFontSize = vg.Length(14)
	labelFontSize = vg.Length(12)
	tickFontSize  = vg.Length(11)
	// annotationFontSize is for text drawn on the data: terms, fault labels, keys.
	annotationFontSize = vg.Length(11)
)

// styleFonts gives a plot the report's font sizes.
func styleFonts(p *plot.Plot) {
	p.Title.TextStyle.Font.Size = titleFontSize
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.Label.TextStyle.Font.Size = labelFontSize
		a.Tick.Label.Font.Size = tickFontSize
	}
	p.Legend.TextStyle.Font.Size = annotationFontSize
}

// timeAxisLabel names the X axis of the time figures after the run's clock.
func timeAxisLabel(wall bool) string {
	if wall {
		return "wall time (s)"
	}
	return "virtual time (s)"
}

// newTimePlot is a plot with a time X axis in seconds.
func newTimePlot(title, yLabel string, wall bool) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = timeAxisLabel(wall)
	p.Y.Label.Text = yLabel
	return p
}

// fixXRange pins the X axis to [0, end] seconds so all time figures line
// up; a run that never left time zero gets a one-second axis.
func fixXRange(p *plot.Plot, end int64) {
	p.X.Min = 0
	p.X.Max = seconds(end)
	if end <= 0 {
		p.X.Max = 1
	}
}

// readableTicks are gonum's default ticks labelled without useless decimals ("25", not "25.00").
type readableTicks struct{}

// Ticks implements plot.Ticker.
func (readableTicks) Ticks(lo, hi float64) []plot.Tick {
	ticks := plot.DefaultTicks{}.Ticks(lo, hi)
	for i := range ticks {
		if ticks[i].Label != "" {
			ticks[i].Label = trimFloat(ticks[i].Value)
		}
	}
	return ticks
}

// countTicks ticks an axis of counts: readable ticks at whole numbers only (no "0.5 operations").
type countTicks struct{}

// Ticks implements plot.Ticker.
func (countTicks) Ticks(lo, hi float64) []plot.Tick {
	var out []plot.Tick
	for _, t := range (readableTicks{}).Ticks(lo, hi) {
		if t.Value == math.Trunc(t.Value) {
			out = append(out, t)
		}
	}
	return out
}

// headroomFraction is the share of the Y range added above the data so the
// tallest point does not touch the title.
const headroomFraction = 0.08

// padTop adds a fraction of the Y range as headroom above the data of a
// plot whose Y range is set.
func padTop(p *plot.Plot, fraction float64) {
	p.Y.Max += (p.Y.Max - p.Y.Min) * fraction
}

// note is a plotter that writes a message in the middle of the data area,
// used when a figure has nothing to show.
type note struct {
	text string
}

// Plot implements plot.Plotter.
func (n note) Plot(c draw.Canvas, p *plot.Plot) {
	sty := p.Title.TextStyle
	sty.Color = color.Gray{Y: 0x60}
	sty.XAlign = text.XCenter
	sty.YAlign = text.YCenter
	c.FillText(sty, c.Center(), n.text)
}

// addNote adds a centred message and gives the axes a sane range.
func addNote(p *plot.Plot, msg string) {
	p.Add(note{text: msg})
	if p.Y.Min == p.Y.Max {
		p.Y.Min, p.Y.Max = 0, 1
	}
}

// keyEntry is one entry of a figure's key: a thumbnail and what it stands for.
type keyEntry struct {
	label string
	thumb plot.Thumbnailer
}

// keyRowHeight is the height of the key row under a figure's title.
const keyRowHeight = vg.Length(18)

// drawKey draws the key in one centred row just under the title, where plotFigure left room for
// it, so it never hides data.
func drawKey(c draw.Canvas, p *plot.Plot, key []keyEntry) {
	if len(key) == 0 {
		return
	}
	sty := p.Legend.TextStyle
	sty.XAlign = text.XLeft
	sty.YAlign = text.YCenter
	box := vg.Points(10)
	gap := vg.Points(4)
	width := vg.Length(0)
	for i, k := range key {
		if i > 0 {
			width += vg.Points(16)
		}
		width += box + gap + sty.Width(k.label)
	}
	titleHeight := p.Title.TextStyle.Rectangle(p.Title.Text).Size().Y
	y := c.Max.Y - titleHeight - (p.Title.Padding-keyRowHeight)/2 - keyRowHeight/2
	x := c.Center().X - width/2
	for _, k := range key {
		thumb := c
		thumb.Rectangle = vg.Rectangle{Min: vg.Point{X: x, Y: y - box/2}, Max: vg.Point{X: x + box, Y: y + box/2}}
		k.thumb.Thumbnail(&thumb)
		x += box + gap
		c.FillText(sty, vg.Point{X: x, Y: y}, k.label)
		x += sty.Width(k.label) + vg.Points(16)
	}
}

// swatch is a key thumbnail filled with one colour.
type swatch struct {
	fill color.Color
}

// Thumbnail implements plot.Thumbnailer.
func (s swatch) Thumbnail(c *draw.Canvas) {
	c.FillPolygon(s.fill, rect(c.Min.X, c.Min.Y, c.Max.X, c.Max.Y))
}

// rect is the corner list of an axis-aligned rectangle in canvas units.
func rect(x0, y0, x1, y1 vg.Length) []vg.Point {
	return []vg.Point{{X: x0, Y: y0}, {X: x1, Y: y0}, {X: x1, Y: y1}, {X: x0, Y: y1}}
}
