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

// Figure geometry: every figure is figureWidthPx x figureHeightPx pixels in
// PNG at figureDPI, and the same physical size in SVG.
const (
	figureWidthPx  = 900
	figureHeightPx = 350
	figureDPI      = 96
)

// figureSize is the figure size in vg lengths (points).
func figureSize() (w, h vg.Length) {
	return vg.Length(figureWidthPx) / figureDPI * vg.Inch, vg.Length(figureHeightPx) / figureDPI * vg.Inch
}

// figure is a named plot that becomes NAME.png and NAME.svg.
type figure struct {
	name string
	plot *plot.Plot
}

// pngName and svgName are the file names of a figure inside the report dir.
func pngName(name string) string { return name + ".png" }
func svgName(name string) string { return name + ".svg" }

// saveFigure renders f as PNG and SVG into dir and returns both paths.
func saveFigure(dir string, f figure) ([]string, error) {
	w, h := figureSize()

	img := vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(figureDPI))
	f.plot.Draw(draw.New(img))
	var pngBuf bytes.Buffer
	if _, err := (vgimg.PngCanvas{Canvas: img}).WriteTo(&pngBuf); err != nil {
		return nil, fmt.Errorf("reports: encode %s: %w", pngName(f.name), err)
	}

	svg := vgsvg.New(w, h)
	f.plot.Draw(draw.New(svg))
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
