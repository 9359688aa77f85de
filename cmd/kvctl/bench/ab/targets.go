package main

import (
	"fmt"
	"io"

	"github.com/raftlab/raftlab/scenarios/realproc"
)

// target is one goal of issue perf-vs-etcd: a kvd/etcd ratio of one figure of one row.
type target struct {
	row    string
	what   string
	figure func(summary) float64
	// atMost: the ratio must be at most limit (costs, latencies); otherwise at least (rates).
	atMost bool
	limit  float64
}

func opsOf(s summary) float64 { return s.ops }
func p50Of(s summary) float64 { return s.p50 }
func p99Of(s summary) float64 { return s.p99 }
func cpuOf(s summary) float64 { return micros(s.cpu) }

// targets are the goals, every one a same-run ratio kvd / etcd.
var targets = []target{
	{"put64", "CPU per write", cpuOf, true, 0.5},
	{"put256", "CPU per write", cpuOf, true, 0.5},
	{"put64", "throughput", opsOf, false, 1.5},
	{"put256", "throughput", opsOf, false, 1.6},
	{"put64", "p99", p99Of, true, 0.5},
	{"put256", "p99", p99Of, true, 0.5},
	{"put1", "p50", p50Of, true, 0.7},
	{"put1leader", "p50", p50Of, true, 0.7},
	{"put1follower", "p50", p50Of, true, 0.7},
	{"get64", "throughput", opsOf, false, 1.5},
	{"qget64", "throughput", opsOf, false, 2},
}

// printTargets says, for every target whose row was run, the ratio and whether it is met.
func printTargets(w io.Writer, ms []measurement, rows []row) {
	ran := map[string]string{}
	for _, r := range rows {
		ran[r.name] = r.label
	}
	fmt.Fprintln(w, "Targets (kvd / etcd, medians):")
	for _, t := range targets {
		label, ok := ran[t.row]
		if !ok {
			continue
		}
		got := ratio(t.figure(summarize(ms, realproc.Kvd, t.row)), t.figure(summarize(ms, realproc.Etcd, t.row)))
		met := got >= t.limit
		op := "≥"
		if t.atMost {
			met, op = got > 0 && got <= t.limit, "≤"
		}
		mark := "met"
		if !met {
			mark = "NOT met"
		}
		fmt.Fprintf(w, "  %-23s %-13s %.2f (want %s %.2g): %s\n", label, t.what, got, op, t.limit, mark)
	}
}
