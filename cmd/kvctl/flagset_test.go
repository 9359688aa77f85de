package main

import (
	"flag"
	"io"
)

// testFlagSet is a flag set with one int and one aliased bool, for parser tests.
type testFlagSet struct {
	set       *flag.FlagSet
	ttl       *int
	recursive *bool
}

func newTestFlagSet() testFlagSet {
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	recursive := new(bool)
	boolVarAliases(fs, recursive, "recursive", "recursive", "r")
	return testFlagSet{set: fs, ttl: fs.Int("ttl", 0, "ttl"), recursive: recursive}
}
