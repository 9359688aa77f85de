package main

import (
	"fmt"
	"strings"
)

// row is one line of the table: a kvctl bench workload at a number of clients.
type row struct {
	name     string // as given to -rows
	label    string // as printed
	workload string // kvctl bench workload
	clients  int
	write    bool // a PUT row: CPU per operation is CPU per acknowledged write
	// place puts the clients on one member instead of round-robin over all of them: placeLeader or
	// placeFollower (the first member that does not lead).
	place string
}

// Placements of a row's clients (row.place); "" is round-robin over the members.
const (
	placeLeader   = "leader"
	placeFollower = "follower"
)

// endpointsFor are the client URLs a row's load goes to, given the members' URLs and the index of
// the leader among them.
func endpointsFor(urls []string, leader int, place string) []string {
	switch place {
	case placeLeader:
		return urls[leader : leader+1]
	case placeFollower:
		for i := range urls {
			if i != leader {
				return urls[i : i+1]
			}
		}
	}
	return urls
}

// allRows are the rows of issue perf-vs-etcd, in table order.
var allRows = []row{
	{name: "put1", label: "PUT, 1 client", workload: "put", clients: 1, write: true},
	// The one client of put1 is on the first member, which leads in some runs and follows in
	// others, and a write served by a follower takes two more hops: these two compare like with like.
	{name: "put1leader", label: "PUT, 1 client, leader", workload: "put", clients: 1, write: true, place: placeLeader},
	{name: "put1follower", label: "PUT, 1 client, follower", workload: "put", clients: 1, write: true, place: placeFollower},
	{name: "put64", label: "PUT, 64 clients", workload: "put", clients: 64, write: true},
	{name: "put256", label: "PUT, 256 clients", workload: "put", clients: 256, write: true},
	{name: "qget64", label: "quorum GET, 64", workload: "qget", clients: 64},
	{name: "get64", label: "local GET, 64", workload: "get", clients: 64},
}

// parseRows turns a comma-separated list of row names into rows, in table order.
func parseRows(list string) ([]row, error) {
	want := map[string]bool{}
	for _, name := range strings.Split(list, ",") {
		name = strings.TrimSpace(name)
		if name == "" {
			continue
		}
		if !knownRow(name) {
			return nil, fmt.Errorf("unknown row %q: want some of %s", name, rowNames())
		}
		want[name] = true
	}
	var rows []row
	for _, r := range allRows {
		if want[r.name] {
			rows = append(rows, r)
		}
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("no rows: want some of %s", rowNames())
	}
	return rows, nil
}

func knownRow(name string) bool {
	for _, r := range allRows {
		if r.name == name {
			return true
		}
	}
	return false
}

func rowNames() string {
	names := make([]string, len(allRows))
	for i, r := range allRows {
		names[i] = r.name
	}
	return strings.Join(names, ",")
}
