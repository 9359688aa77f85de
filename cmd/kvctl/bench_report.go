package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"time"
)

// benchQuantile is one reported percentile.
type benchQuantile struct {
	label string
	q     float64
}

// benchPercentiles are the reported quantiles, in order.
func benchPercentiles() []benchQuantile {
	return []benchQuantile{{"p50", 0.50}, {"p90", 0.90}, {"p99", 0.99}, {"p99.9", 0.999}}
}

// histogramBins is the number of rows of the text histogram.
const histogramBins = 10

// histogramBarWidth is the length of the longest histogram bar.
const histogramBarWidth = 40

// ms turns a duration into fractional milliseconds.
func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// histogramBin is one row of the text histogram: records in [from, to).
type histogramBin struct {
	from, to time.Duration
	count    uint64
}

// histogramRows splits the recorded range into exponentially growing bins (latencies have long
// tails). The first bin starts at the minimum, the last one ends past the maximum; counts are
// exact to a bucket of the histogram.
func histogramRows(h *latencyHistogram) []histogramBin {
	if h.count() == 0 {
		return nil
	}
	lo, hi := float64(max(h.min, time.Microsecond)), float64(h.max)
	if hi <= lo {
		return []histogramBin{{from: h.min, to: h.max, count: h.count()}}
	}
	ratio := math.Pow(hi/lo, 1/float64(histogramBins))
	rows := make([]histogramBin, histogramBins)
	edge := time.Duration(0)
	for i := range rows {
		next := time.Duration(lo * math.Pow(ratio, float64(i+1)))
		if i == len(rows)-1 {
			next = time.Duration(math.MaxInt64)
		}
		rows[i] = histogramBin{from: edge, to: next, count: h.countBetween(edge, next)}
		edge = next
	}
	rows[0].from = h.min
	rows[len(rows)-1].to = h.max
	return rows
}

// printBenchReport writes the human-readable summary, percentiles, histogram and errors.
func printBenchReport(w io.Writer, r *benchResult) {
	cfg := r.cfg
	fmt.Fprintf(w, "Summary (%s%s):\n", cfg.workload, interruptedNote(r.interrupted))
	fmt.Fprintf(w, "  Clients:     %d over %d connections to %d endpoints\n", cfg.clients, cfg.conns, len(r.endpoints))
	fmt.Fprintf(w, "  Keys:        %d under %s, %d-byte values\n", cfg.keySpace, cfg.prefix, cfg.valSize)
	fmt.Fprintf(w, "  Elapsed:     %.3f s\n", r.elapsed.Seconds())
	fmt.Fprintf(w, "  Operations:  %d answered (%d ok, %d not found or compare failed), %d errors\n", r.answered(), r.ok, r.miss, r.errors)
	if r.refreshes > 0 {
		fmt.Fprintf(w, "  Refreshes:   %d reads after a failed compare (not counted as operations)\n", r.refreshes)
	}
	fmt.Fprintf(w, "  Throughput:  %.1f ops/s\n", r.throughput())
	if r.hist.count() > 0 {
		h := &r.hist
		fmt.Fprintln(w, "\nLatency (ms):")
		for _, p := range benchPercentiles() {
			fmt.Fprintf(w, "  %-6s %9.3f\n", p.label, ms(h.percentile(p.q)))
		}
		fmt.Fprintf(w, "  %-6s %9.3f\n", "max", ms(h.max))
		fmt.Fprintf(w, "  (min %.3f, mean %.3f, stddev %.3f)\n", ms(h.min), ms(h.mean()), ms(h.stddev()))
		fmt.Fprintln(w, "\nHistogram (ms):")
		rows := histogramRows(h)
		var most uint64
		for _, row := range rows {
			most = max(most, row.count)
		}
		for _, row := range rows {
			bar := 0
			if most > 0 {
				bar = int((row.count*histogramBarWidth + most - 1) / most)
			}
			fmt.Fprintf(w, "  %9.3f - %9.3f [%8d] %s\n", ms(row.from), ms(row.to), row.count, strings.Repeat("∎", bar))
		}
		printEndpointTable(w, r)
	}
	printErrorTable(w, r)
}

// printEndpointTable writes the latency percentiles of each endpoint when more than one answered
// (on a cluster, the leader's clients skip the hop a follower adds).
func printEndpointTable(w io.Writer, r *benchResult) {
	if len(r.byEndpoint) < 2 {
		return
	}
	fmt.Fprintln(w, "\nLatency by endpoint (ms):")
	fmt.Fprintf(w, "  %-24s %10s", "endpoint", "answered")
	for _, p := range benchPercentiles() {
		fmt.Fprintf(w, " %9s", p.label)
	}
	fmt.Fprintln(w)
	for _, e := range r.byEndpoint {
		fmt.Fprintf(w, "  %-24s %10d", e.addr, e.hist.count())
		for _, p := range benchPercentiles() {
			fmt.Fprintf(w, " %9.3f", ms(e.hist.percentile(p.q)))
		}
		fmt.Fprintln(w)
	}
}

// printErrorTable lists error kinds by count, each with its first message.
func printErrorTable(w io.Writer, r *benchResult) {
	if r.errors == 0 {
		return
	}
	fmt.Fprintln(w, "\nErrors:")
	for _, k := range sortedErrorKinds(r) {
		fmt.Fprintf(w, "  %s: %d (first: %s)\n", k, r.errorKinds[k], r.errorSample[k])
	}
}

// sortedErrorKinds lists error kinds, most frequent first, then by name.
func sortedErrorKinds(r *benchResult) []string {
	kinds := make([]string, 0, len(r.errorKinds))
	for k := range r.errorKinds {
		kinds = append(kinds, k)
	}
	slices.SortFunc(kinds, func(a, b string) int {
		if r.errorKinds[a] != r.errorKinds[b] {
			if r.errorKinds[a] > r.errorKinds[b] {
				return -1
			}
			return 1
		}
		return strings.Compare(a, b)
	})
	return kinds
}

// benchJSON is the -o json report.
type benchJSON struct {
	Workload     string            `json:"workload"`
	Clients      int               `json:"clients"`
	Conns        int               `json:"conns"`
	Endpoints    []string          `json:"endpoints"`
	ValSize      int               `json:"valSize"`
	KeySpace     int               `json:"keySpace"`
	Seconds      float64           `json:"seconds"`
	Answered     uint64            `json:"answered"`
	OK           uint64            `json:"ok"`
	Misses       uint64            `json:"misses"`
	Errors       uint64            `json:"errors"`
	Refreshes    uint64            `json:"refreshes"`
	OpsPerSecond float64           `json:"opsPerSecond"`
	LatencyMs    map[string]string `json:"latencyMs"`
	Histogram    []benchJSONBin    `json:"histogram"`
	// ByEndpoint is the latency percentiles (ms) of each endpoint that answered, by host:port.
	ByEndpoint  map[string]map[string]string `json:"byEndpoint,omitempty"`
	ErrorKinds  map[string]uint64            `json:"errorKinds,omitempty"`
	Interrupted bool                         `json:"interrupted,omitempty"`
}

// benchJSONBin is one histogram row of the JSON report.
type benchJSONBin struct {
	FromMs float64 `json:"fromMs"`
	ToMs   float64 `json:"toMs"`
	Count  uint64  `json:"count"`
}

// printBenchJSON writes the report as one JSON object (latencies as decimal strings in ms with
// microsecond precision, so that scripts can print them as they are).
func printBenchJSON(w io.Writer, r *benchResult) error {
	h := &r.hist
	out := benchJSON{
		Workload: r.cfg.workload, Clients: r.cfg.clients, Conns: r.cfg.conns, Endpoints: r.endpoints,
		ValSize: r.cfg.valSize, KeySpace: r.cfg.keySpace, Seconds: r.elapsed.Seconds(),
		Answered: r.answered(), OK: r.ok, Misses: r.miss, Errors: r.errors, Refreshes: r.refreshes,
		OpsPerSecond: r.throughput(), LatencyMs: map[string]string{}, Interrupted: r.interrupted,
		Histogram: []benchJSONBin{},
	}
	if h.count() > 0 {
		for _, p := range benchPercentiles() {
			out.LatencyMs[p.label] = fmt.Sprintf("%.3f", ms(h.percentile(p.q)))
		}
		out.LatencyMs["max"] = fmt.Sprintf("%.3f", ms(h.max))
		out.LatencyMs["min"] = fmt.Sprintf("%.3f", ms(h.min))
		out.LatencyMs["mean"] = fmt.Sprintf("%.3f", ms(h.mean()))
	}
	for _, row := range histogramRows(h) {
		out.Histogram = append(out.Histogram, benchJSONBin{FromMs: ms(row.from), ToMs: ms(row.to), Count: row.count})
	}
	if len(r.byEndpoint) > 0 {
		out.ByEndpoint = map[string]map[string]string{}
		for _, e := range r.byEndpoint {
			q := map[string]string{"count": fmt.Sprint(e.hist.count())}
			for _, p := range benchPercentiles() {
				q[p.label] = fmt.Sprintf("%.3f", ms(e.hist.percentile(p.q)))
			}
			out.ByEndpoint[e.addr] = q
		}
	}
	if len(r.errorKinds) > 0 {
		out.ErrorKinds = r.errorKinds
	}
	b, err := json.Marshal(out)
	if err != nil {
		return fmt.Errorf("encode report: %w", err)
	}
	_, err = fmt.Fprintf(w, "%s\n", b)
	return err
}
