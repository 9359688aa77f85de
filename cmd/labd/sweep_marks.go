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

// printSweepMarks prints which coverage marks of core the sweep hit and how often, by package, and
// the ones it never hit.
func printSweepMarks(w io.Writer, total *mark.Set) {
	all := mark.All()
	missing := total.Missing()
	fmt.Fprintf(w, "coverage marks: %d of %d hit\n", len(all)-len(missing), len(all))
	var words []string
	pkg := ""
	for _, c := range total.Counts() {
		if c.Hits == 0 {
			continue
		}
		if c.Mark.Package() != pkg {
			printWrapped(w, pkg, words)
			pkg, words = c.Mark.Package(), nil
		}
		words = append(words, fmt.Sprintf("%s=%d", strings.TrimPrefix(c.Mark.String(), pkg+"."), c.Hits))
	}
	printWrapped(w, pkg, words)
	words = words[:0]
	for _, m := range missing {
		words = append(words, m.String())
	}
	printWrapped(w, "never hit:", words)
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
