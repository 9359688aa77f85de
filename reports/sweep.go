package reports

import (
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/raftlab/raftlab/internal/human"
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
	// OpsChecked and Wall (ns) are totals the rows do not carry; zero when not known.
	OpsChecked int
	Wall       int64
}

// sweepView is what the sweep page is rendered from: the verdict, the totals, the failed seeds
// first and the passing ones folded away.
type sweepView struct {
	Title    string
	Summary  string
	KnownBug bool
	Success  bool
	Totals   []sweepTotal
	Failed   []sweepRowView
	Passed   []sweepRowView
	// FailedHeading and PassedHeading name the two tables ("3 failed seeds", "seeds that found the
	// bug", ...).
	FailedHeading string
	PassedHeading string
	Empty         bool
}

// sweepTotal is one cell of the totals row.
type sweepTotal struct {
	Name, Value string
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
// found in X of N seeds", green when X > 0, and marks each seed that found the bug. The page puts
// the totals first, then the seeds that failed (or found the bug), then the others folded away.
func WriteSweepPage(dir string, sw Sweep) (string, error) {
	v := sweepView{Title: sw.Title, KnownBug: sw.KnownBug, Empty: len(sw.Rows) == 0}
	if v.Title == "" {
		v.Title = "Seed sweep"
	}
	ops, virtual := 0, 0.0
	for i, r := range sw.Rows {
		if err := checkRelativeLink(r.Dir); err != nil {
			return "", fmt.Errorf("%w: sweep row %d (seed %d): %w", ErrInvalidRun, i, r.Seed, err)
		}
		row := sweepRowView{
			Seed:           strconv.FormatInt(r.Seed, 10),
			Passed:         r.Passed,
			Ops:            r.Ops,
			VirtualSeconds: human.Seconds(int64(r.VirtualSeconds * 1e9)),
			Link:           runLink(r.Dir),
			Replay:         r.Replay,
			Problems:       r.Problems,
		}
		if r.Passed {
			v.Passed = append(v.Passed, row)
		} else {
			v.Failed = append(v.Failed, row)
		}
		ops += r.Ops
		virtual += r.VirtualSeconds
	}
	runs := len(sw.Rows)
	v.Success = len(v.Failed) == 0
	v.Summary = fmt.Sprintf("%d of %s passed", len(v.Passed), human.Count(runs, "seed"))
	v.FailedHeading = "Failed seeds (" + strconv.Itoa(len(v.Failed)) + ")"
	v.PassedHeading = human.Count(len(v.Passed), "seed") + " passed"
	if v.KnownBug {
		v.Success = len(v.Failed) > 0
		v.Summary = fmt.Sprintf("known bug found in %d of %s", len(v.Failed), human.Count(runs, "seed"))
		v.FailedHeading = "Seeds that found the bug (" + strconv.Itoa(len(v.Failed)) + ")"
		v.PassedHeading = human.Count(len(v.Passed), "seed") + " did not find the bug"
	}
	v.Totals = []sweepTotal{
		{"seeds", strconv.Itoa(runs)},
		{"passed", strconv.Itoa(len(v.Passed))},
		{"failed", strconv.Itoa(len(v.Failed))},
		{"operations", strconv.Itoa(ops)},
	}
	if sw.OpsChecked > 0 {
		v.Totals = append(v.Totals, sweepTotal{"operations checked", strconv.Itoa(sw.OpsChecked)})
	}
	v.Totals = append(v.Totals, sweepTotal{"virtual time", human.Seconds(int64(virtual * 1e9))})
	if sw.Wall > 0 {
		v.Totals = append(v.Totals, sweepTotal{"wall time", human.Seconds(sw.Wall)})
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
