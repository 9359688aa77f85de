package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/raftlab/raftlab/cmd/labd/internal/progress"
	"github.com/raftlab/raftlab/scenarios/mutants"
	"github.com/raftlab/raftlab/scenarios/suite"
)

// huntReport is the JSON line `labd hunt --json` prints (and `labd mutants` reads).
type huntReport struct {
	Found   bool    `json:"found"`
	Suite   string  `json:"suite,omitempty"`
	Seed    uint64  `json:"seed,omitempty"`
	Problem string  `json:"problem,omitempty"`
	AfterS  float64 `json:"afterSeconds,omitempty"`
	Runs    int     `json:"runs"`
	WallS   float64 `json:"wallSeconds"`
	// OutOfTime says the budget, not the seed range, ended a hunt that found nothing.
	OutOfTime bool `json:"outOfTime,omitempty"`
}

// cmdHunt runs every correct-code suite, seed by seed in turn, until the first failure.
func cmdHunt(args []string, stdout, stderr io.Writer) int {
	const synopsis = "labd hunt [--seeds N] [--budget 60s] [--parallel N] [--suites A,B] [--json]"
	fs := newFlagSet("hunt", synopsis, stderr)
	seeds := fs.Uint64("seeds", 2000, "seeds 1..N of every suite at most")
	budget := fs.Duration("budget", 60*time.Second, "wall time after which no new seed starts")
	parallel := fs.Int("parallel", 0, "runs at a time (default GOMAXPROCS)")
	only := fs.String("suites", "", "comma-separated suites to search (default every correct-code suite)")
	asJSON := fs.Bool("json", false, "print the result as one JSON line")
	if _, err := parseArgs(fs, args, 0, 0); err != nil {
		fmt.Fprintf(stderr, "labd hunt: %v\n", err)
		return exitUsage
	}
	suites, err := huntSuites(*only)
	if err != nil {
		fmt.Fprintf(stderr, "labd hunt: %v\n", err)
		return exitUsage
	}
	res := mutants.Hunt(mutants.HuntConfig{Suites: suites, Seeds: *seeds, Budget: *budget, Workers: *parallel})
	rep := huntReport{Found: res.Found != nil, Runs: res.Runs, WallS: res.Elapsed.Seconds(), OutOfTime: res.OutOfTime}
	if f := res.Found; f != nil {
		rep.Suite, rep.Seed, rep.Problem, rep.AfterS = f.Suite, f.Seed, f.Problem, f.After.Seconds()
	}
	if *asJSON {
		data, err := json.Marshal(rep)
		if err != nil {
			fmt.Fprintf(stderr, "labd hunt: %v\n", err)
			return exitFailed
		}
		fmt.Fprintln(stdout, string(data))
	} else {
		printHunt(stdout, rep)
	}
	if rep.Found {
		return exitFailed
	}
	return exitOK
}

// huntSuites resolves --suites (empty: every correct-code suite).
func huntSuites(only string) ([]suite.Suite, error) {
	if only == "" {
		return mutants.Suites(), nil
	}
	var out []suite.Suite
	for _, name := range strings.Split(only, ",") {
		s, err := lookupSuite(strings.TrimSpace(name))
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

func printHunt(w io.Writer, rep huntReport) {
	wall := progress.FormatDuration(time.Duration(rep.WallS * float64(time.Second)))
	if !rep.Found {
		fmt.Fprintf(w, "no failure in %d runs (%s)\n", rep.Runs, wall)
		return
	}
	after := progress.FormatDuration(time.Duration(rep.AfterS * float64(time.Second)))
	fmt.Fprintf(w, "failure after %s (%d runs): %s seed %d: %s\n", after, rep.Runs, rep.Suite, rep.Seed, rep.Problem)
	fmt.Fprintf(w, "replay: %s\n", suite.ReplayCommand(rep.Suite, rep.Seed))
}
