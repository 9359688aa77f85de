package main

import (
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/raftlab/raftlab/scenarios/realproc"
)

// summary is the medians of one row on one flavor over the runs.
type summary struct {
	runs                int
	ops, p50, p99, p999 float64
	cpu, leaderCPU      time.Duration // per operation
	clientCPU           time.Duration // per operation
	errors              uint64        // summed over the runs
	leaderChanges       int
	// onLeader and onFollowers are the medians over the runs that had clients there; the
	// counts say how many did.
	onLeader, onFollowers    roleLatency
	leaderRuns, followerRuns int
}

// summarize takes the median of every figure of one row on one flavor.
func summarize(ms []measurement, flavor realproc.Flavor, rowName string) summary {
	var s summary
	var ops, p50, p99, p999 []float64
	var cpu, leader, client []time.Duration
	var onLeader, onFollowers []roleLatency
	for _, m := range ms {
		if m.Flavor != flavor || m.Row != rowName {
			continue
		}
		s.runs++
		ops, p50, p99, p999 = append(ops, m.OpsPerSecond), append(p50, m.P50), append(p99, m.P99), append(p999, m.P999)
		cpu, leader, client = append(cpu, m.cpuPerOp()), append(leader, m.leaderCPUPerOp()), append(client, m.perOp(m.ClientCPU))
		s.errors += m.Errors
		if m.OnLeader != nil {
			onLeader = append(onLeader, *m.OnLeader)
		}
		if m.OnFollowers != nil {
			onFollowers = append(onFollowers, *m.OnFollowers)
		}
		if m.LeaderChanged {
			s.leaderChanges++
		}
	}
	s.ops, s.p50, s.p99, s.p999 = median(ops), median(p50), median(p99), median(p999)
	s.cpu, s.leaderCPU, s.clientCPU = median(cpu), median(leader), median(client)
	s.onLeader, s.leaderRuns = medianRole(onLeader), len(onLeader)
	s.onFollowers, s.followerRuns = medianRole(onFollowers), len(onFollowers)
	return s
}

// medianRole is the median p50 and the median p99 of the runs' role figures.
func medianRole(rs []roleLatency) roleLatency {
	var p50, p99 []float64
	for _, r := range rs {
		p50, p99 = append(p50, r.P50), append(p99, r.P99)
	}
	return roleLatency{P50: median(p50), P99: median(p99)}
}

// roleCell prints a role's p50 / p99, with the number of runs when not every run had clients
// there, or a dash when none did.
func roleCell(r roleLatency, n, runs int) string {
	switch {
	case n == 0:
		return "–"
	case n < runs:
		return fmt.Sprintf("%.2f / %.2f (%d of %d runs)", r.P50, r.P99, n, runs)
	}
	return fmt.Sprintf("%.2f / %.2f", r.P50, r.P99)
}

// median is the middle value (the mean of the two middle ones for an even count), 0 for none.
func median[T float64 | time.Duration](v []T) T {
	if len(v) == 0 {
		return 0
	}
	s := slices.Clone(v)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// ratio is kvd / etcd, 0 when etcd's figure is 0.
func ratio(kvd, etcd float64) float64 {
	if etcd == 0 {
		return 0
	}
	return kvd / etcd
}

// printTable writes the comparison table (markdown), the CPU breakdown and the latency by role.
func printTable(w io.Writer, ms []measurement, rows []row) {
	etcd, kvd := make([]summary, len(rows)), make([]summary, len(rows))
	for i, r := range rows {
		etcd[i], kvd[i] = summarize(ms, realproc.Etcd, r.name), summarize(ms, realproc.Kvd, r.name)
	}
	fmt.Fprintln(w, "| row | etcd ops/s | kvd ops/s | ratio | p50 etcd / kvd (ms) | p99 etcd / kvd (ms) | p99 ratio | p99.9 etcd / kvd (ms) | CPU/op etcd / kvd (µs) | CPU ratio | errors etcd / kvd |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|---|---|---|")
	for i, r := range rows {
		e, k := etcd[i], kvd[i]
		fmt.Fprintf(w, "| %s | %s | %s | %.2f | %.2f / %.2f | %.2f / %.2f | %.2f | %.2f / %.2f | %.0f / %.0f | %.2f | %d / %d |\n",
			r.label, thousands(e.ops), thousands(k.ops), ratio(k.ops, e.ops), e.p50, k.p50, e.p99, k.p99, ratio(k.p99, e.p99),
			e.p999, k.p999, micros(e.cpu), micros(k.cpu), ratio(micros(k.cpu), micros(e.cpu)), e.errors, k.errors)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| row | etcd CPU/op: leader / both followers / load generator (µs) | kvd CPU/op: leader / both followers / load generator (µs) | leader changes etcd / kvd |")
	fmt.Fprintln(w, "|---|---|---|---|")
	for i, r := range rows {
		e, k := etcd[i], kvd[i]
		fmt.Fprintf(w, "| %s | %.0f / %.0f / %.0f | %.0f / %.0f / %.0f | %d / %d |\n", r.label,
			micros(e.leaderCPU), micros(e.cpu-e.leaderCPU), micros(e.clientCPU),
			micros(k.leaderCPU), micros(k.cpu-k.leaderCPU), micros(k.clientCPU), e.leaderChanges, k.leaderChanges)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| row | etcd p50 / p99 (ms): clients on the leader | on the followers (the slower) | kvd: clients on the leader | on the followers (the slower) |")
	fmt.Fprintln(w, "|---|---|---|---|---|")
	for i, r := range rows {
		e, k := etcd[i], kvd[i]
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s |\n", r.label,
			roleCell(e.onLeader, e.leaderRuns, e.runs), roleCell(e.onFollowers, e.followerRuns, e.runs),
			roleCell(k.onLeader, k.leaderRuns, k.runs), roleCell(k.onFollowers, k.followerRuns, k.runs))
	}
}

// thousands prints a rate rounded to a whole number with thousands separators.
func thousands(v float64) string {
	n := int64(v + 0.5)
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
