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

// Sweep is what a sweep page shows.
type Sweep struct {
	Title string
	// KnownBug says the runs carry a deliberate bug: a seed that fails found the bug, and the sweep
	// succeeds when at least one seed found it.
	KnownBug bool
	Rows     []SweepRow
}

// sweepView is what the sweep page is rendered from.
type sweepView struct {
	Title    string
	Passed   int
	KnownBug bool
	// Found is how many seeds found the known bug; Success whether the sweep did what it is for.
	Found   int
	Success bool
	Rows    []sweepRowView
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
	return WriteSweepPage(dir, Sweep{Title: title, Rows: rows})
}

// WriteSweepPage is WriteSweep for any sweep, a known-bug sweep included: its page says "known bug
// found in X of N seeds", green when X > 0, and marks each seed that found the bug.
func WriteSweepPage(dir string, sw Sweep) (string, error) {
	v := sweepView{Title: sw.Title, KnownBug: sw.KnownBug}
	if v.Title == "" {
		v.Title = "Seed sweep"
	}
	rows := sw.Rows
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
	v.Found = len(v.Rows) - v.Passed
	v.Success = v.Passed == len(v.Rows)
	if v.KnownBug {
		v.Success = v.Found > 0
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
