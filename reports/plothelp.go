package reports

import (
	"image/color"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// newTimePlot is a plot with a virtual-time X axis in seconds.
func newTimePlot(title, yLabel string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = "virtual time (s)"
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

// Shares of the Y range added above the data: enough that the tallest point
// does not touch the title, or, with a legend in the top corner, that the
// legend (which has no background) sits above the data.
const (
	headroomFraction       = 0.08
	legendHeadroomFraction = 0.3
)

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

// swatch is a legend thumbnail filled with one colour.
type swatch struct {
	fill color.Color
}

// Thumbnail implements plot.Thumbnailer.
func (s swatch) Thumbnail(c *draw.Canvas) {
	pts := []vg.Point{
		{X: c.Min.X, Y: c.Min.Y},
		{X: c.Max.X, Y: c.Min.Y},
		{X: c.Max.X, Y: c.Max.Y},
		{X: c.Min.X, Y: c.Max.Y},
	}
	c.FillPolygon(s.fill, pts)
}

// rect is the corner list of an axis-aligned rectangle in canvas units.
func rect(x0, y0, x1, y1 vg.Length) []vg.Point {
	return []vg.Point{{X: x0, Y: y0}, {X: x1, Y: y0}, {X: x1, Y: y1}, {X: x0, Y: y1}}
}
