package reports

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"gonum.org/v1/plot"
)

// IndexFile is the name of the report page inside a report directory.
const IndexFile = "index.html"

// Figure names; each is written as NAME.png and NAME.svg.
const (
	FigureTimeline    = "timeline"
	FigureCommit      = "commit"
	FigureLatency     = "latency"
	FigureLatencyHist = "latency-hist"
	FigureThroughput  = "throughput"
)

// Write creates dir (and parents) and writes the report of run into it:
// index.html plus every figure as PNG and SVG. The same run always yields
// the same bytes; existing files of the same names are replaced. Invalid
// input returns an error wrapping ErrInvalidRun before anything is written.
// Write keeps no shared state, so reports may be written concurrently into
// different directories.
func Write(dir string, run Run) (Files, error) {
	if err := validate(run); err != nil {
		return Files{}, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return Files{}, fmt.Errorf("reports: create %s: %w", dir, err)
	}
	lanes := lanesOf(run)
	end := runEnd(run)

	figs, err := buildFigures(run, lanes, end)
	if err != nil {
		return Files{}, err
	}
	var files Files
	views := make([]figureView, 0, len(figs))
	for _, f := range figs {
		paths, err := saveFigure(dir, f)
		if err != nil {
			return Files{}, err
		}
		files.Figures = append(files.Figures, paths...)
		views = append(views, figureView{Title: f.plot.Title.Text, PNG: pngName(f.name), SVG: svgName(f.name)})
	}

	page := buildPage(run, lanes, end, views)
	html, err := render(IndexFile, indexTemplateText, page.Title, page)
	if err != nil {
		return Files{}, err
	}
	files.Index = filepath.Join(dir, IndexFile)
	if err := writeFile(files.Index, html); err != nil {
		return Files{}, err
	}
	return files, nil
}

// buildFigures makes every figure of the report in display order.
func buildFigures(run Run, lanes []lane, end int64) ([]figure, error) {
	builders := []struct {
		name  string
		build func() (*plot.Plot, error)
	}{
		{FigureTimeline, func() (*plot.Plot, error) { return timelinePlot(run, lanes, end), nil }},
		{FigureCommit, func() (*plot.Plot, error) { return commitPlot(run.Samples, lanes, end) }},
		{FigureLatency, func() (*plot.Plot, error) { return latencyPlot(run.Ops, end) }},
		{FigureLatencyHist, func() (*plot.Plot, error) { return latencyHistPlot(run.Ops, end) }},
		{FigureThroughput, func() (*plot.Plot, error) { return throughputPlot(run.Ops, end) }},
	}
	figs := make([]figure, 0, len(builders))
	for _, b := range builders {
		p, err := b.build()
		if err != nil {
			return nil, fmt.Errorf("reports: figure %s: %w", b.name, err)
		}
		if run.WallTime {
			wallTimeLabels(p)
		}
		figs = append(figs, figure{name: b.name, plot: p})
	}
	return figs, nil
}

// wallTimeLabels says "wall time" where a figure of a simulated run says "virtual time".
func wallTimeLabels(p *plot.Plot) {
	for _, l := range []*string{&p.X.Label.Text, &p.Y.Label.Text} {
		*l = strings.ReplaceAll(*l, "virtual time", "wall time")
		*l = strings.ReplaceAll(*l, "per virtual second", "per second")
	}
}
