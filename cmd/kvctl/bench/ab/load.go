package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// benchReport is the part of `kvctl -o json bench` the harness reads.
type benchReport struct {
	Seconds      float64           `json:"seconds"`
	Answered     uint64            `json:"answered"`
	Errors       uint64            `json:"errors"`
	OpsPerSecond float64           `json:"opsPerSecond"`
	LatencyMs    map[string]string `json:"latencyMs"`
	ErrorKinds   map[string]uint64 `json:"errorKinds"`
	// ByEndpoint is the latency percentiles (ms, as decimal strings) by host:port.
	ByEndpoint map[string]map[string]string `json:"byEndpoint"`
}

// latency is the named percentile in milliseconds (0 when the report has none).
func (r benchReport) latency(name string) float64 {
	v, err := strconv.ParseFloat(r.LatencyMs[name], 64)
	if err != nil {
		return 0
	}
	return v
}

// endpointLatency is the named percentile (ms) of the operations the endpoint at url answered,
// and whether it answered any.
func (r benchReport) endpointLatency(url, name string) (float64, bool) {
	q, ok := r.ByEndpoint[hostPort(url)]
	if !ok {
		return 0, false
	}
	v, err := strconv.ParseFloat(q[name], 64)
	return v, err == nil
}

// hostPort is url without its scheme, as kvctl names endpoints in its report.
func hostPort(url string) string {
	if i := strings.Index(url, "://"); i >= 0 {
		return url[i+3:]
	}
	return url
}

// loadSpec is one run of the load generator.
type loadSpec struct {
	kvctl     string
	endpoints []string
	workload  string
	clients   int
	// duration, or total operations when zero (the prefill).
	duration time.Duration
	total    int
	prefill  bool
	// progress receives kvctl's progress lines, each prefixed; nil drops them.
	progress     io.Writer
	progressName string
}

// loadResult is the report of one load run and the CPU the load generator used.
type loadResult struct {
	report    benchReport
	clientCPU time.Duration
}

// The load every row shares (issue perf-vs-etcd): 256-byte values over 10,000 keys.
const (
	valSize  = 256
	keySpace = 10000
)

// args are kvctl's arguments for the spec.
func (s loadSpec) args() []string {
	args := []string{"--no-sync", "--endpoints", strings.Join(s.endpoints, ","), "-o", "json",
		"bench", s.workload, "--clients", strconv.Itoa(s.clients),
		"--val-size", strconv.Itoa(valSize), "--key-space", strconv.Itoa(keySpace)}
	if s.duration > 0 {
		args = append(args, "--duration", s.duration.String())
	} else {
		args = append(args, "--total", strconv.Itoa(s.total))
	}
	if s.prefill {
		args = append(args, "--prefill")
	}
	return args
}

// runLoad runs kvctl bench and returns its report. A run with errors still returns its report
// (the table counts the errors); a run that produced no report is an error.
func runLoad(ctx context.Context, s loadSpec) (loadResult, error) {
	cmd := exec.CommandContext(ctx, s.kvctl, s.args()...)
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return loadResult{}, fmt.Errorf("kvctl bench: %w", err)
	}
	if err := cmd.Start(); err != nil {
		return loadResult{}, fmt.Errorf("kvctl bench: %w", err)
	}
	var tail []string // the last lines of stderr, for an error message
	sc := bufio.NewScanner(stderr)
	for sc.Scan() {
		line := sc.Text()
		if s.progress != nil {
			fmt.Fprintf(s.progress, "    %s | %s\n", s.progressName, line)
		}
		tail = append(tail, line)
		if len(tail) > 5 {
			tail = tail[1:]
		}
	}
	waitErr := cmd.Wait()
	var res loadResult
	if cmd.ProcessState != nil {
		res.clientCPU = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	}
	if err := json.Unmarshal(bytes.TrimSpace(stdout.Bytes()), &res.report); err != nil {
		return loadResult{}, fmt.Errorf("kvctl %s: no report (%v): %w; stderr: %s", strings.Join(s.args(), " "), waitErr, err, strings.Join(tail, " / "))
	}
	return res, nil
}
