// Command ab compares kvd with a real etcd in the same run (issue perf-vs-etcd): it starts a fresh
// 3-member etcd 3.5.33 cluster (--enable-v2) and a fresh 3-member kvd cluster on 127.0.0.1 with the
// same flags (fsync on for both), runs the same rows of `kvctl bench` against each in alternation
// (etcd then kvd in odd runs, kvd then etcd in even ones, fresh clusters every run), and prints the
// medians of throughput, p50/p99/p99.9, errors and the members' CPU per operation (user + system
// time from /proc/PID/stat over the measured window), with kvd/etcd ratios and the targets.
//
// Usage (from the repository):
//
//	go run ./cmd/kvctl/bench/ab [-runs 3] [-duration 8s] [-rows put1,put64,put256,qget64,get64] [-out DIR] [-v]
//	go run ./cmd/kvctl/bench/ab -profile DIR   # then a profile pass of the PUT rows (see profile.go)
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"time"

	"github.com/raftlab/raftlab/scenarios/etcdref"
	"github.com/raftlab/raftlab/scenarios/realproc"
)

// options are the command's flags.
type options struct {
	runs     int
	duration time.Duration
	rows     []row
	out      string
	verbose  bool
	profile  string
	// kvd is a kvd binary to compare instead of this tree's (an older build, say); kvdEnv is
	// added to the environment of every kvd member.
	kvd    string
	kvdEnv []string
	// etcdTimerSlack, when not zero, is the timer slack etcd's members start with (kvd sets its
	// own, KVD_TIMER_SLACK): a comparison of the two on the same footing there.
	etcdTimerSlack time.Duration
}

func parseOptions(args []string, stderr io.Writer) (options, error) {
	fs := flag.NewFlagSet("ab", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o options
	var rows, kvdEnv string
	fs.IntVar(&o.runs, "runs", 3, "runs of every row on each side (each run starts fresh clusters)")
	fs.DurationVar(&o.duration, "duration", 8*time.Second, "length of one row")
	fs.StringVar(&rows, "rows", rowNames(), "rows to run, comma-separated")
	fs.StringVar(&o.out, "out", "", "keep the members' logs and results.jsonl here (default: a temporary directory, removed)")
	fs.BoolVar(&o.verbose, "v", false, "also print the load generator's progress lines")
	fs.StringVar(&o.kvd, "kvd", "", "compare this kvd binary instead of building this tree's (e.g. a build of an earlier commit)")
	fs.StringVar(&kvdEnv, "kvd-env", "", "comma-separated NAME=VALUE pairs added to every kvd member's environment (GOGC=100, say)")
	fs.DurationVar(&o.etcdTimerSlack, "etcd-timer-slack", 0, "start etcd's members with this Linux timer slack, as kvd sets its own (KVD_TIMER_SLACK, 4ms by default); 0: etcd's as inherited")
	fs.StringVar(&o.profile, "profile", "", "after the table, profile the PUT rows once per side into this directory (pprof CPU profiles, perf stat syscall counts)")
	if err := fs.Parse(args); err != nil {
		return options{}, err
	}
	if fs.NArg() > 0 {
		return options{}, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if o.runs < 1 || o.duration < time.Second {
		return options{}, errors.New("-runs must be at least 1 and -duration at least 1s")
	}
	if o.etcdTimerSlack < 0 || o.etcdTimerSlack > 10*time.Millisecond {
		return options{}, errors.New("-etcd-timer-slack must be between 0 and 10ms")
	}
	for _, kv := range strings.Split(kvdEnv, ",") {
		if kv = strings.TrimSpace(kv); kv == "" {
			continue
		}
		if !strings.Contains(kv, "=") {
			return options{}, fmt.Errorf("-kvd-env %q: want NAME=VALUE", kv)
		}
		o.kvdEnv = append(o.kvdEnv, kv)
	}
	var err error
	o.rows, err = parseRows(rows)
	return o, err
}

func main() {
	o, err := parseOptions(os.Args[1:], os.Stderr)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		fmt.Fprintln(os.Stderr, "ab:", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, o, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "ab:", err)
		os.Exit(1)
	}
}

// binaries are the programs a comparison runs.
type binaries struct {
	kvd, kvctl, etcd string
	// kvdPprof is kvd with a /debug/pprof listener, built for the profile pass only.
	kvdPprof string
}

func run(ctx context.Context, o options, stdout, progress io.Writer) error {
	work := o.out
	if work == "" {
		tmp, err := os.MkdirTemp("", "raftlab-ab-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		work = tmp
	} else if err := os.MkdirAll(work, 0o755); err != nil {
		return err
	}
	bins, err := build(ctx, work, o.profile != "", progress)
	if err != nil {
		return err
	}
	if o.kvd != "" {
		bins.kvd = o.kvd
	}
	loadBefore := loadAverage()
	fmt.Fprintf(progress, "A/B: %d run(s) × %d row(s) × %v per side; load average %s\n", o.runs, len(o.rows), o.duration, loadBefore)
	var ms []measurement
	for r := 1; r <= o.runs; r++ {
		for _, flavor := range order(r) {
			t := trial{flavor: flavor, binary: bins.server(flavor), kvctl: bins.kvctl, dir: work, rows: o.rows,
				duration: o.duration, run: r, progress: progress, verbose: o.verbose}
			if flavor == realproc.Kvd {
				t.env = o.kvdEnv
			} else {
				t.timerSlack = o.etcdTimerSlack
			}
			got, err := runTrialRetrying(ctx, t, progress)
			if err != nil {
				return err
			}
			ms = append(ms, got...)
		}
	}
	if err := writeResults(filepath.Join(work, "results.jsonl"), ms); err != nil {
		return err
	}
	etcdNote := ""
	if o.etcdTimerSlack != 0 {
		etcdNote = fmt.Sprintf(" (members started with a timer slack of %v)", o.etcdTimerSlack)
	}
	fmt.Fprintf(stdout, "\netcd %s%s vs kvd, 3 members each on 127.0.0.1, fsync on; kvctl bench, %d-byte values over %d keys, clients round-robin over the members; median of %d run(s) of %v per row, A/B alternating; GOMAXPROCS %d on %d CPUs; load average %s at start, %s at end\n\n",
		etcdref.Version, etcdNote, valSize, keySpace, o.runs, o.duration, runtime.GOMAXPROCS(0), runtime.NumCPU(), loadBefore, loadAverage())
	printTable(stdout, ms, o.rows)
	fmt.Fprintln(stdout)
	printTargets(stdout, ms, o.rows)
	if o.profile != "" {
		return profilePass(ctx, o, bins, work, stdout, progress)
	}
	return nil
}

// order is the sides of run r: etcd first in odd runs, kvd first in even ones, so that neither
// side always runs on a warmer (or more loaded) machine.
func order(r int) []realproc.Flavor {
	if r%2 == 1 {
		return []realproc.Flavor{realproc.Etcd, realproc.Kvd}
	}
	return []realproc.Flavor{realproc.Kvd, realproc.Etcd}
}

func (b binaries) server(f realproc.Flavor) string {
	if f == realproc.Etcd {
		return b.etcd
	}
	return b.kvd
}

// runTrialRetrying runs a trial, and once more when it fails (a cluster that did not start in
// time on a loaded machine, say).
func runTrialRetrying(ctx context.Context, t trial, progress io.Writer) ([]measurement, error) {
	fmt.Fprintf(progress, "run %d: fresh %s cluster\n", t.run, t.flavor)
	ms, err := t.runRows(ctx)
	if err == nil || ctx.Err() != nil {
		return ms, err
	}
	fmt.Fprintf(progress, "run %d: %s failed, trying once more: %v\n", t.run, t.flavor, firstLine(err))
	return t.runRows(ctx)
}

// build builds kvd and kvctl (and the pprof kvd when asked) and finds the reference etcd.
func build(ctx context.Context, work string, pprof bool, progress io.Writer) (binaries, error) {
	fmt.Fprintln(progress, "building kvd and kvctl; finding etcd", etcdref.Version)
	binDir, err := keepDir(work, "bin")
	if err != nil {
		return binaries{}, err
	}
	paths, err := realproc.BuildCommands(ctx, binDir, false, "kvd", "kvctl")
	if err != nil {
		return binaries{}, err
	}
	ref, err := etcdref.Build(ctx)
	if err != nil {
		return binaries{}, err
	}
	b := binaries{kvd: paths[0], kvctl: paths[1], etcd: ref.Etcd}
	if pprof {
		if b.kvdPprof, err = buildPprofKvd(ctx, binDir); err != nil {
			return binaries{}, err
		}
	}
	return b, nil
}

// loadAverage is the 1-, 5- and 15-minute load average.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

// writeResults keeps every measurement, one JSON object a line.
func writeResults(path string, ms []measurement) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(f)
	for _, m := range ms {
		if err := enc.Encode(m); err != nil {
			_ = f.Close()
			return err
		}
	}
	return f.Close()
}

func firstLine(err error) string {
	s, _, _ := strings.Cut(err.Error(), "\n")
	return s
}
