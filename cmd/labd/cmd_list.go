package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/raftlab/raftlab/scenarios/suite"
)

// cmdList prints the stories and suites, one line each.
func cmdList(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("list", "labd list", stderr)
	if _, err := parseArgs(fs, args, 0, 0); err != nil {
		fmt.Fprintf(stderr, "labd list: %v\n", err)
		return exitUsage
	}
	catalog, err := storyCatalog()
	if err != nil {
		fmt.Fprintf(stderr, "labd list: %v\n", err)
		return exitFailed
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "STORIES (labd run STORY)")
	for _, s := range catalog {
		fmt.Fprintf(tw, "  %s\t%s\n", s.Name, s.Title)
	}
	fmt.Fprintln(tw, "")
	fmt.Fprintln(tw, "SUITES (labd sweep SUITE --seeds A..B)")
	for _, s := range suite.List() {
		doc := s.Doc
		if s.KnownBug {
			doc = "[known bug] " + doc
		}
		fmt.Fprintf(tw, "  %s\t%s\n", s.Name, firstSentence(doc))
	}
	fmt.Fprintln(tw, "")
	fmt.Fprintf(tw, "BUGS (labd run|sweep ... --bug NAME): %s\n", strings.Join(bugNames(), ", "))
	if err := tw.Flush(); err != nil {
		fmt.Fprintf(stderr, "labd list: %v\n", err)
		return exitFailed
	}
	return exitOK
}

// maxDocLen bounds a suite's description in the listing.
const maxDocLen = 110

// firstSentence shortens a description to its first clause, to keep the listing one line each.
func firstSentence(doc string) string {
	doc = strings.Join(strings.Fields(doc), " ")
	if i := strings.Index(doc, ": "); i > 0 && i < maxDocLen {
		doc = doc[:i]
	}
	if r := []rune(doc); len(r) > maxDocLen {
		doc = string(r[:maxDocLen-1]) + "…"
	}
	return doc
}
