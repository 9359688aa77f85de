package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/raftlab/raftlab/scenarios/mutants"
)

// mutantResult is one row of the mutation test.
type mutantResult struct {
	Name    string     `json:"name"`
	Package string     `json:"package"`
	Caught  bool       `json:"caught"`
	Hunt    huntReport `json:"hunt"`
	// Error is set when the mutant could not be applied, built or hunted.
	Error string `json:"error,omitempty"`
	// BuildS is the time the mutant's labd took to build.
	BuildS float64 `json:"buildSeconds"`
}

// cmdMutants runs the mutation test: each mutant of the catalog is built into its own labd (the
// source tree is left alone: go build -overlay) and hunted for.
func cmdMutants(args []string, stdout, stderr io.Writer) int {
	const synopsis = "labd mutants [--only A,B] [--budget 60s] [--seeds N] [--parallel N] [--control] [--json FILE] [--list]"
	fs := newFlagSet("mutants", synopsis, stderr)
	only := fs.String("only", "", "comma-separated mutants to run (default all)")
	budget := fs.Duration("budget", 60*time.Second, "hunt wall time per mutant")
	seeds := fs.Uint64("seeds", 2000, "seeds 1..N of every suite at most, per mutant")
	parallel := fs.Int("parallel", 0, "runs at a time in each hunt (default GOMAXPROCS)")
	control := fs.Bool("control", false, "first hunt the unmutated tree with the same budget (it must find nothing)")
	jsonOut := fs.String("json", "", "also write the results to this JSON file")
	list := fs.Bool("list", false, "list the catalog and exit")
	if _, err := parseArgs(fs, args, 0, 0); err != nil {
		fmt.Fprintf(stderr, "labd mutants: %v\n", err)
		return exitUsage
	}
	catalog, err := selectMutants(*only)
	if err != nil {
		fmt.Fprintf(stderr, "labd mutants: %v\n", err)
		return exitUsage
	}
	if *list {
		for _, m := range catalog {
			fmt.Fprintf(stdout, "%-44s %s\n", m.Name, m.Bug)
		}
		return exitOK
	}
	root, err := moduleRoot()
	if err != nil {
		fmt.Fprintf(stderr, "labd mutants: %v\n", err)
		return exitFailed
	}
	work, err := os.MkdirTemp("", "labd-mutants-")
	if err != nil {
		fmt.Fprintf(stderr, "labd mutants: %v\n", err)
		return exitFailed
	}
	defer os.RemoveAll(work)
	r := mutantRunner{root: root, work: work, budget: *budget, seeds: *seeds, parallel: *parallel, log: stderr}

	if *control {
		fmt.Fprintln(stdout, "control: hunting the unmutated tree")
		res := r.run(mutants.Mutant{Name: "control"})
		if res.Error != "" || res.Caught {
			fmt.Fprintf(stdout, "control failed: %s%s\n", res.Error, describeHunt(res.Hunt))
			return exitFailed
		}
		fmt.Fprintf(stdout, "control: no failure in %d runs (%.0fs)\n\n", res.Hunt.Runs, res.Hunt.WallS)
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "mutant\tpackage\tverdict\tfirst failure\tsuite\tseed\tproblem")
	tw.Flush()
	var results []mutantResult
	for _, m := range catalog {
		res := r.run(m)
		results = append(results, res)
		fmt.Fprintln(tw, resultRow(res))
		tw.Flush()
	}
	fmt.Fprintln(stdout, mutantSummary(results, *budget))
	if *jsonOut != "" {
		data, err := json.MarshalIndent(results, "", "  ")
		if err == nil {
			err = os.WriteFile(*jsonOut, append(data, '\n'), 0o644)
		}
		if err != nil {
			fmt.Fprintf(stderr, "labd mutants: %v\n", err)
			return exitFailed
		}
	}
	for _, res := range results {
		if !res.Caught {
			return exitFailed
		}
	}
	return exitOK
}

func selectMutants(only string) ([]mutants.Mutant, error) {
	if only == "" {
		return mutants.Catalog(), nil
	}
	var out []mutants.Mutant
	for _, name := range strings.Split(only, ",") {
		m, err := mutants.Lookup(strings.TrimSpace(name))
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, nil
}

// mutantRunner builds and hunts one mutant at a time.
type mutantRunner struct {
	root, work string
	budget     time.Duration
	seeds      uint64
	parallel   int
	log        io.Writer
}

// huntGrace is how long a hunt may overrun its budget (the runs in flight finish) before it is
// killed; a killed hunt is an error, not a catch.
const huntGrace = 2 * time.Minute

// run builds labd with m applied (an empty mutant builds the tree as it is) and hunts with it.
func (r mutantRunner) run(m mutants.Mutant) mutantResult {
	res := mutantResult{Name: m.Name, Package: m.Package()}
	bin := filepath.Join(r.work, "labd-"+m.Name)
	build := []string{"build", "-o", bin}
	if m.File != "" {
		overlay, err := r.overlay(m)
		if err != nil {
			res.Error = err.Error()
			return res
		}
		build = append(build, "-overlay", overlay)
	}
	start := time.Now()
	cmd := exec.Command("go", append(build, "./cmd/labd")...)
	cmd.Dir = r.root
	if out, err := cmd.CombinedOutput(); err != nil {
		res.Error = fmt.Sprintf("build: %v: %s", err, firstLines(string(out), 3))
		return res
	}
	res.BuildS = time.Since(start).Seconds()
	defer os.Remove(bin)

	ctx, cancel := context.WithTimeout(context.Background(), r.budget+huntGrace)
	defer cancel()
	args := []string{"hunt", "--json", "--budget", r.budget.String(), "--seeds", fmt.Sprint(r.seeds)}
	if r.parallel > 0 {
		args = append(args, "--parallel", fmt.Sprint(r.parallel))
	}
	hunt := exec.CommandContext(ctx, bin, args...)
	hunt.Dir = r.work
	hunt.Stderr = io.Discard
	out, err := hunt.Output()
	var exitErr *exec.ExitError
	if err != nil && !(errors.As(err, &exitErr) && exitErr.ExitCode() == exitFailed) {
		res.Error = fmt.Sprintf("hunt: %v", err)
		return res
	}
	if err := json.Unmarshal([]byte(lastLine(string(out))), &res.Hunt); err != nil {
		res.Error = fmt.Sprintf("hunt: unreadable result %q: %v", lastLine(string(out)), err)
		return res
	}
	res.Caught = res.Hunt.Found
	return res
}

// overlay writes m's mutated file and the overlay that swaps it in, and returns the overlay's path.
func (r mutantRunner) overlay(m mutants.Mutant) (string, error) {
	text, err := m.ApplyIn(r.root)
	if err != nil {
		return "", err
	}
	file := filepath.Join(r.work, m.Name+".go")
	if err := os.WriteFile(file, []byte(text), 0o644); err != nil {
		return "", err
	}
	data, err := json.Marshal(map[string]map[string]string{"Replace": {filepath.Join(r.root, m.File): file}})
	if err != nil {
		return "", err
	}
	path := filepath.Join(r.work, m.Name+".overlay.json")
	return path, os.WriteFile(path, data, 0o644)
}

// moduleRoot finds the directory of the go.mod above the working directory.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("not inside the raftlab module (no go.mod above the working directory)")
		}
		dir = parent
	}
}

func resultRow(res mutantResult) string {
	if res.Error != "" {
		return fmt.Sprintf("%s\t%s\tERROR\t\t\t\t%s", res.Name, res.Package, res.Error)
	}
	h := res.Hunt
	if !res.Caught {
		return fmt.Sprintf("%s\t%s\tmissed\t-\t\t\t%d runs, %.0fs", res.Name, res.Package, h.Runs, h.WallS)
	}
	return fmt.Sprintf("%s\t%s\tcaught\t%.1fs\t%s\t%d\t%s", res.Name, res.Package, h.AfterS, h.Suite, h.Seed, truncate(h.Problem, 100))
}

func describeHunt(h huntReport) string {
	if !h.Found {
		return ""
	}
	return fmt.Sprintf("%s seed %d: %s", h.Suite, h.Seed, h.Problem)
}

// mutantSummary is the last line: "mutants: caught C/N, median time to first failure T". A missed
// mutant counts as never found, so the median is "over budget" when half of them or more are missed.
func mutantSummary(results []mutantResult, budget time.Duration) string {
	caught := 0
	times := make([]float64, 0, len(results))
	for _, r := range results {
		if r.Caught {
			caught++
			times = append(times, r.Hunt.AfterS)
		} else {
			times = append(times, -1)
		}
	}
	slices.SortFunc(times, func(a, b float64) int {
		switch {
		case a == b:
			return 0
		case a < 0:
			return 1
		case b < 0:
			return -1
		case a < b:
			return -1
		}
		return 1
	})
	median := "n/a"
	if n := len(times); n > 0 {
		m := times[(n-1)/2]
		if n%2 == 0 {
			if upper := times[n/2]; m < 0 || upper < 0 {
				m = -1
			} else {
				m = (m + upper) / 2
			}
		}
		if m < 0 {
			median = fmt.Sprintf("over the %v budget", budget)
		} else {
			median = fmt.Sprintf("%.1fs", m)
		}
	}
	worst := ""
	if caught == len(results) && len(times) > 0 {
		worst = fmt.Sprintf(", slowest %.1fs", times[len(times)-1])
	}
	return fmt.Sprintf("mutants: caught %d/%d, median time to first failure %s%s", caught, len(results), median, worst)
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

func firstLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[:n]
	}
	return strings.Join(lines, " | ")
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
