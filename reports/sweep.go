package reports

import (
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
)

// SweepRow is one seed of a sweep.
type SweepRow struct {
	Seed           int64
	Passed         bool
	Ops            int
	VirtualSeconds float64
	// Dir is the run's report directory relative to the sweep page, or "".
	Dir string
	// Replay is the command that replays this seed.
	Replay   string
	Problems []string
}

// sweepView is what the sweep page is rendered from.
type sweepView struct {
	Title  string
	Passed int
	Rows   []sweepRowView
}

// sweepRowView is one table row of the sweep page.
type sweepRowView struct {
	Seed           string
	Passed         bool
	Ops            int
	VirtualSeconds string
	Link           string
	Replay         string
	Problems       []string
}

// WriteSweep creates dir and writes index.html there: a summary of the
// sweep with one row per seed, in the given order, linking each run's
// report. It returns the page's path. A row whose Dir is not a relative
// path inside dir is rejected with an error wrapping ErrInvalidRun.
func WriteSweep(dir string, title string, rows []SweepRow) (string, error) {
	v := sweepView{Title: title}
	if v.Title == "" {
		v.Title = "Seed sweep"
	}
	for i, r := range rows {
		if err := checkRelativeLink(r.Dir); err != nil {
			return "", fmt.Errorf("%w: sweep row %d (seed %d): %w", ErrInvalidRun, i, r.Seed, err)
		}
		v.Rows = append(v.Rows, sweepRowView{
			Seed:           strconv.FormatInt(r.Seed, 10),
			Passed:         r.Passed,
			Ops:            r.Ops,
			VirtualSeconds: strconv.FormatFloat(r.VirtualSeconds, 'f', 3, 64),
			Link:           runLink(r.Dir),
			Replay:         r.Replay,
			Problems:       r.Problems,
		})
		if r.Passed {
			v.Passed++
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("reports: create %s: %w", dir, err)
	}
	html, err := render("sweep", sweepTemplateText, v.Title, v)
	if err != nil {
		return "", err
	}
	out := filepath.Join(dir, IndexFile)
	if err := writeFile(out, html); err != nil {
		return "", err
	}
	return out, nil
}

// runLink is the link to a run's report page given its directory; a Dir
// that already names an .html file is used as is.
func runLink(dir string) string {
	if dir == "" {
		return ""
	}
	if strings.HasSuffix(dir, ".html") {
		return dir
	}
	return path.Join(dir, IndexFile)
}
