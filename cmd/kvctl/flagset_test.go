package main

import "flag"

// testFlagSet is a flag set with one int and one aliased bool, for parser tests.
type testFlagSet struct {
	set       *flag.FlagSet
	ttl       *int
	recursive *bool
}

func newTestFlagSet() testFlagSet {
	fs := newFlagSet("test")
	recursive := new(bool)
	fs.boolAliases(recursive, "recursive", "recursive", "r")
	return testFlagSet{set: fs.FlagSet, ttl: fs.Int("ttl", 0, "ttl"), recursive: recursive}
}
