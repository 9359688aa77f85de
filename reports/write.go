package reports

import (
	"fmt"
	"os"
	"path/filepath"
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
		views = append(views, figureView{Title: f.title, PNG: pngName(f.name), SVG: svgName(f.name)})
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
		build func() (figure, error)
	}{
		{FigureTimeline, func() (figure, error) { return timelineFigure(run, lanes, end), nil }},
		{FigureCommit, func() (figure, error) { return commitFigure(run, lanes, end) }},
		{FigureLatency, func() (figure, error) { return latencyFigure(run.Ops, end, run.WallTime) }},
		{FigureLatencyHist, func() (figure, error) { return latencyHistFigure(run.Ops, end) }},
		{FigureThroughput, func() (figure, error) { return throughputFigure(run.Ops, end, run.WallTime) }},
	}
	figs := make([]figure, 0, len(builders))
	for _, b := range builders {
		f, err := b.build()
		if err != nil {
			return nil, fmt.Errorf("reports: figure %s: %w", b.name, err)
		}
		figs = append(figs, f)
	}
	return figs, nil
}
