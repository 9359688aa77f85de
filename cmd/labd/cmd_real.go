package main

import (
	"fmt"
	"io"
)

// cmdReal will run a story against real kvd processes; it is a stub for now.
func cmdReal(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("real", "labd real STORY", stderr)
	if _, err := parseArgs(fs, args, 1, 1); err != nil {
		fmt.Fprintf(stderr, "labd real: %v\n", err)
		return exitUsage
	}
	fmt.Fprintln(stderr, "labd real: not implemented yet")
	return exitNotReady
}
