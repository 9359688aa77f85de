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
}

// allRows are the rows of issue perf-vs-etcd, in table order.
var allRows = []row{
	{name: "put1", label: "PUT, 1 client", workload: "put", clients: 1, write: true},
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
