package main

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"time"
)

// latencyRecord is one answered operation of the measured run, for --latency-log.
type latencyRecord struct {
	start   time.Time
	latency time.Duration
	addr    string // the endpoint (host:port) that answered
}

// latencyLogHeader is the first line of a latency log: what each following line holds.
const latencyLogHeader = "# start_unix_ns latency_ns endpoint\n"

// writeLatencyLog writes records to w oldest start first, one line each: the operation's start
// (Unix nanoseconds), its latency (nanoseconds) and the endpoint that answered it. Where the
// percentiles say how long the slow operations took, the log says when they happened: whether
// the tail is spread over the run or gathered in a few stalls (a collection, a snapshot), and on
// which member.
func writeLatencyLog(w io.Writer, records []latencyRecord) error {
	slices.SortFunc(records, func(a, b latencyRecord) int { return a.start.Compare(b.start) })
	bw := bufio.NewWriter(w)
	if _, err := io.WriteString(bw, latencyLogHeader); err != nil {
		return fmt.Errorf("latency log: %w", err)
	}
	for _, r := range records {
		if _, err := fmt.Fprintf(bw, "%d %d %s\n", r.start.UnixNano(), r.latency.Nanoseconds(), r.addr); err != nil {
			return fmt.Errorf("latency log: %w", err)
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("latency log: %w", err)
	}
	return nil
}

// mergeLatencyLogs gathers the clients' records.
func mergeLatencyLogs(tallies []*clientTally) []latencyRecord {
	n := 0
	for _, t := range tallies {
		n += len(t.log)
	}
	out := make([]latencyRecord, 0, n)
	for _, t := range tallies {
		out = append(out, t.log...)
	}
	return out
}
