package reports

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"
)

// Figure geometry: every figure is figureWidthPx pixels wide in PNG at
// figureDPI, and the same physical size in SVG; most are figureHeightPx
// tall, the small multiples grow with the number of nodes.
const (
	figureWidthPx  = 900
	figureHeightPx = 350
	figureDPI      = 96
)

// pxLength is a length in pixels of the PNG as a vg length (points).
func pxLength(px int) vg.Length { return vg.Length(px) / figureDPI * vg.Inch }

// figure is a drawing that becomes NAME.png and NAME.svg.
type figure struct {
	name     string
	title    string
	heightPx int
	draw     func(draw.Canvas)
}

// plotFigure is a figure of one plot with an optional key of its series in a row under the title,
// off the data.
func plotFigure(name string, p *plot.Plot, key []keyEntry) figure {
	styleFonts(p)
	if len(key) > 0 {
		p.Title.Padding += keyRowHeight
	}
	return figure{name: name, title: p.Title.Text, heightPx: figureHeightPx, draw: func(c draw.Canvas) {
		p.Draw(c)
		drawKey(c, p, key)
	}}
}

// pngName and svgName are the file names of a figure inside the report dir.
func pngName(name string) string { return name + ".png" }
func svgName(name string) string { return name + ".svg" }

// saveFigure renders f as PNG and SVG into dir and returns both paths.
func saveFigure(dir string, f figure) ([]string, error) {
	w, h := pxLength(figureWidthPx), pxLength(f.heightPx)

	img := vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(figureDPI))
	f.draw(draw.New(img))
	var pngBuf bytes.Buffer
	if _, err := (vgimg.PngCanvas{Canvas: img}).WriteTo(&pngBuf); err != nil {
		return nil, fmt.Errorf("reports: encode %s: %w", pngName(f.name), err)
	}

	svg := vgsvg.New(w, h)
	f.draw(draw.New(svg))
	var svgBuf bytes.Buffer
	if _, err := svg.WriteTo(&svgBuf); err != nil {
		return nil, fmt.Errorf("reports: encode %s: %w", svgName(f.name), err)
	}

	pngPath := filepath.Join(dir, pngName(f.name))
	svgPath := filepath.Join(dir, svgName(f.name))
	if err := writeFile(pngPath, pngBuf.Bytes()); err != nil {
		return nil, err
	}
	if err := writeFile(svgPath, svgBuf.Bytes()); err != nil {
		return nil, err
	}
	return []string{pngPath, svgPath}, nil
}

// writeFile writes data to path, wrapping any error with the path.
func writeFile(path string, data []byte) error {
	if err := os.WriteFile(path, data, 0o644); err != nil {
		return fmt.Errorf("reports: write %s: %w", path, err)
	}
	return nil
}
