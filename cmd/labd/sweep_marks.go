package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/raftlab/raftlab/core/mark"
)

// sweepMarks adds up the coverage marks of every run of a sweep.
func sweepMarks(outcomes []seedOutcome) *mark.Set {
	total := mark.NewSet()
	for _, o := range outcomes {
		if o.Summary != nil {
			total.Add(o.Summary.Marks)
		}
	}
	return total
}

// printSweepMarks prints which coverage marks of core the sweep hit and how often (counts as
// sweep.json records them), by package, and the ones it never hit.
func printSweepMarks(w io.Writer, counts map[string]uint64) {
	var packages []string
	hit := map[string][]string{}
	var missing []string
	for _, m := range mark.All() {
		hits := counts[m.String()]
		if hits == 0 {
			missing = append(missing, m.String())
			continue
		}
		pkg := m.Package()
		if len(hit[pkg]) == 0 {
			packages = append(packages, pkg)
		}
		hit[pkg] = append(hit[pkg], fmt.Sprintf("%s=%d", strings.TrimPrefix(m.String(), pkg+"."), hits))
	}
	fmt.Fprintf(w, "coverage marks: %d of %d hit\n", len(mark.All())-len(missing), len(mark.All()))
	for _, pkg := range packages {
		printWrapped(w, pkg, hit[pkg])
	}
	printWrapped(w, "never hit:", missing)
}

// printWrapped prints words after an indented label, wrapped at about 110 columns.
func printWrapped(w io.Writer, label string, words []string) {
	if len(words) == 0 {
		return
	}
	line := fmt.Sprintf("  %-6s", label)
	indent := strings.Repeat(" ", len(line))
	for i, word := range words {
		if i > 0 && len(line)+1+len(word) > 110 {
			fmt.Fprintln(w, line)
			line = indent
		}
		line += " " + word
	}
	fmt.Fprintln(w, line)
}

// markCounts is the marks of a sweep as sweep.json records them: name -> hits, every mark listed.
func markCounts(total *mark.Set) map[string]uint64 {
	out := make(map[string]uint64, len(mark.All()))
	for _, c := range total.Counts() {
		out[c.Mark.String()] = c.Hits
	}
	return out
}

// addMarkCounts adds the counts of from to into.
func addMarkCounts(into, from map[string]uint64) {
	for name, hits := range from {
		into[name] += hits
	}
}
