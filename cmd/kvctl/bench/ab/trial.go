package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/raftlab/raftlab/scenarios/realproc"
)

// trial is one fresh cluster of one flavor running every row once.
type trial struct {
	flavor   realproc.Flavor
	binary   string
	kvctl    string
	dir      string // the cluster's data directories and logs go under it
	rows     []row
	duration time.Duration
	run      int
	// args are extra server flags (the profile pass turns pprof on); env is added to each
	// member's environment.
	args, env []string
	// timerSlack, when not zero, is the timer slack the members start with (withTimerSlack).
	timerSlack time.Duration
	progress   io.Writer
	verbose    bool
	// observe, when set, runs beside each row's load (profiles, syscall counts) and must return
	// once the load is over.
	observe func(ctx context.Context, c *realproc.Cluster, r row, leader int) func()
}

// serverFlags are the flags both flavors get on top of realproc's: the same for both, and
// otherwise their defaults (fsync on, etcd's timing and snapshot count).
var serverFlags = []string{"--log-level", "warn"}

// startTimeout bounds a cluster's start on a loaded machine.
const startTimeout = 90 * time.Second

// run starts the cluster, runs the rows, stops the cluster and removes its files.
func (t trial) runRows(ctx context.Context) ([]measurement, error) {
	dir, err := os.MkdirTemp(t.dir, fmt.Sprintf("%s-run%d-", t.flavor, t.run))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", t.flavor, err)
	}
	c, err := withTimerSlack(t.timerSlack, func() (*realproc.Cluster, error) {
		return realproc.Start(ctx, realproc.Config{Binary: t.binary, Flavor: t.flavor, Dir: dir,
			Args: append(append([]string{}, serverFlags...), t.args...), Env: t.env, StartTimeout: startTimeout})
	})
	if err != nil {
		return nil, fmt.Errorf("start %s cluster: %w", t.flavor, err)
	}
	defer func() { // the logs stay (with the rest of the work directory, see -out)
		_ = c.Close()
		for _, m := range c.Members() {
			_ = os.RemoveAll(m.DataDir)
		}
	}()
	var out []measurement
	prefilled := false
	for _, r := range t.rows {
		if !r.write && !prefilled {
			// Every key exists before the first read row, outside the measured window.
			if _, err := runLoad(ctx, t.spec(c, "prefill", "put", 64, 0, 1, true)); err != nil {
				return nil, fmt.Errorf("%s prefill: %w%s", t.flavor, err, logsOf(c))
			}
			prefilled = true
		}
		m, err := t.measure(ctx, c, r)
		if err != nil {
			return nil, fmt.Errorf("%s %s: %w%s", t.flavor, r.name, err, logsOf(c))
		}
		out = append(out, m)
		fmt.Fprintf(t.progress, "  run %d %-4s %-17s %8.0f ops/s  p50 %6.2f  p99 %6.2f ms  %4.0f µs CPU/op  %d errors\n",
			t.run, t.flavor, r.label, m.OpsPerSecond, m.P50, m.P99, micros(m.cpuPerOp()), m.Errors)
	}
	return out, nil
}

// measure runs one row and reads the members' CPU time around it.
func (t trial) measure(ctx context.Context, c *realproc.Cluster, r row) (measurement, error) {
	members := c.Members()
	leader, err := leaderIndex(ctx, c)
	if err != nil {
		return measurement{}, err
	}
	pids := make([]int, len(members))
	for i, m := range members {
		pids[i] = m.PID()
	}
	before, err := cpuEach(pids)
	if err != nil {
		return measurement{}, err
	}
	stopObserving := func() {}
	if t.observe != nil {
		stopObserving = t.observe(ctx, c, r, leader)
	}
	spec := t.spec(c, r.name, r.workload, r.clients, t.duration, 0, false)
	spec.endpoints = endpointsFor(spec.endpoints, leader, r.place)
	res, err := runLoad(ctx, spec)
	stopObserving()
	if err != nil {
		return measurement{}, err
	}
	after, err := cpuEach(pids)
	if err != nil {
		return measurement{}, err
	}
	m := measurement{Flavor: t.flavor, Row: r.name, Run: t.run, Leader: leader, ClientCPU: res.clientCPU}
	m.fromReport(res.report)
	m.fromEndpoints(res.report, c.ClientURLs())
	for i := range pids {
		m.MemberCPU = append(m.MemberCPU, after[i]-before[i])
	}
	if now, err := leaderIndex(ctx, c); err != nil || now != leader {
		m.LeaderChanged = true
	}
	return m, nil
}

// spec is a load run against the cluster.
func (t trial) spec(c *realproc.Cluster, name, workload string, clients int, d time.Duration, total int, prefill bool) loadSpec {
	s := loadSpec{kvctl: t.kvctl, endpoints: c.ClientURLs(), workload: workload, clients: clients,
		duration: d, total: total, prefill: prefill, progressName: fmt.Sprintf("%s %s", t.flavor, name)}
	if t.verbose {
		s.progress = t.progress
	}
	return s
}

// leaderIndex is the index of the agreed leader among the members.
func leaderIndex(ctx context.Context, c *realproc.Cluster) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	leader, err := c.Leader(ctx)
	if err != nil {
		return -1, err
	}
	for i, m := range c.Members() {
		if m == leader {
			return i, nil
		}
	}
	return -1, fmt.Errorf("leader %s is not a member", leader.Name)
}

// logsOf is the tail of the members' logs for an error message.
func logsOf(c *realproc.Cluster) string { return "\n" + c.Logs(1500) }

// micros is a duration in microseconds.
func micros(d time.Duration) float64 { return float64(d) / float64(time.Microsecond) }

// keepDir makes a directory for the run's files under root.
func keepDir(root, name string) (string, error) {
	dir := filepath.Join(root, name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("%s: %w", dir, err)
	}
	return dir, nil
}
