package main

import (
	"crypto/tls"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"
)

// Defaults of `kvctl bench`.
const (
	defaultBenchTotal   = 10000
	defaultBenchTimeout = 10 * time.Second
)

// benchFlags are the raw flag values of `kvctl bench`.
type benchFlags struct {
	clients, conns, valSize, keySpace, readPercent int
	total                                          int64
	duration, timeout, progress                    time.Duration
	rate                                           float64
	prefix, latencyLog                             string
	seed                                           uint64
	prefill                                        bool
}

// register defines the flags on fs.
func (f *benchFlags) register(fs *flagSet) {
	fs.IntVar(&f.clients, "clients", 1, "concurrent clients, each with at most one request in flight")
	fs.IntVar(&f.conns, "conns", 0, "keep-alive connections shared by the clients, spread round-robin over the endpoints (0 = one per client)")
	fs.IntVar(&f.valSize, "val-size", 256, "bytes per written value")
	fs.IntVar(&f.keySpace, "key-space", 10000, "number of distinct keys; each operation picks one at random")
	fs.Int64Var(&f.total, "total", 0, fmt.Sprintf("operations to send (default %d unless --duration is given)", defaultBenchTotal))
	fs.DurationVar(&f.duration, "duration", 0, "send operations for this long instead of a --total")
	fs.Float64Var(&f.rate, "rate", 0, "operations per second over all clients (0 = as fast as possible)")
	fs.IntVar(&f.readPercent, "read-percent", 50, "percentage of local GETs in the mixed workload (the rest are PUTs)")
	fs.StringVar(&f.prefix, "prefix", "/bench/", "directory the keys live under")
	fs.Uint64Var(&f.seed, "seed", 1, "seed of the key and value choices")
	fs.BoolVar(&f.prefill, "prefill", false, "write every key once before the measured run (not counted)")
	fs.DurationVar(&f.timeout, "request-timeout", defaultBenchTimeout, "timeout of one request, connection included")
	fs.DurationVar(&f.progress, "progress", time.Second, "period of the progress line on stderr (0 = only the final line)")
	fs.StringVar(&f.latencyLog, "latency-log", "", "write every answered operation of the measured run to this file: start (Unix ns), latency (ns), endpoint")
}

// config checks the flags and the workload name and returns the run's settings.
func (f *benchFlags) config(args []string) (*benchConfig, error) {
	if len(args) != 1 {
		return nil, fmt.Errorf("one workload required: %s", strings.Join(workloads(), ", "))
	}
	workload := args[0]
	known := false
	for _, w := range workloads() {
		known = known || w == workload
	}
	switch {
	case !known:
		return nil, fmt.Errorf("unknown workload %q: want one of %s", workload, strings.Join(workloads(), ", "))
	case f.clients < 1:
		return nil, fmt.Errorf("--clients must be at least 1, got %d", f.clients)
	case f.conns < 0:
		return nil, fmt.Errorf("--conns must not be negative, got %d", f.conns)
	case f.valSize < 0:
		return nil, fmt.Errorf("--val-size must not be negative, got %d", f.valSize)
	case f.keySpace < 1:
		return nil, fmt.Errorf("--key-space must be at least 1, got %d", f.keySpace)
	case f.total < 0 || f.duration < 0:
		return nil, fmt.Errorf("--total and --duration must not be negative")
	case f.total > 0 && f.duration > 0:
		return nil, fmt.Errorf("give --total or --duration, not both")
	case f.rate < 0:
		return nil, fmt.Errorf("--rate must not be negative, got %g", f.rate)
	case f.readPercent < 0 || f.readPercent > 100:
		return nil, fmt.Errorf("--read-percent must be between 0 and 100, got %d", f.readPercent)
	case f.timeout <= 0:
		return nil, fmt.Errorf("--request-timeout must be positive, got %v", f.timeout)
	case f.progress < 0:
		return nil, fmt.Errorf("--progress must not be negative, got %v", f.progress)
	}
	prefix, err := benchPrefix(f.prefix)
	if err != nil {
		return nil, err
	}
	cfg := &benchConfig{
		workload: workload, clients: f.clients, conns: f.conns, valSize: f.valSize,
		keySpace: f.keySpace, total: f.total, duration: f.duration, rate: f.rate,
		readPercent: f.readPercent, prefix: prefix, seed: f.seed, timeout: f.timeout,
		prefill: f.prefill, progressEvery: f.progress, latencyLog: f.latencyLog,
	}
	if cfg.conns == 0 {
		cfg.conns = cfg.clients
	}
	if cfg.total == 0 && cfg.duration == 0 {
		cfg.total = defaultBenchTotal
	}
	return cfg, nil
}

// benchPrefix checks the key directory and gives it a leading and a trailing slash. Only
// characters that need no escaping in a URL path are accepted.
func benchPrefix(p string) (string, error) {
	for _, r := range p {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("/-._~", r)
		if !ok {
			return "", fmt.Errorf("--prefix %q: only letters, digits and / - . _ ~ are allowed", p)
		}
	}
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	if !strings.HasSuffix(p, "/") {
		p += "/"
	}
	return p, nil
}

func benchCommand() *command {
	return &command{
		name: "bench", usage: "load generator: throughput, latency percentiles and histogram",
		argsUsage: "<" + strings.Join(workloads(), "|") + ">",
		parse:     parseAnywhere, // kvctl's own command: a negative value is a value
		setup: func(fs *flagSet) action {
			var f benchFlags
			f.register(fs)
			return func(cx *cmdContext) int {
				cfg, err := f.config(cx.args)
				if err != nil {
					return cx.app.fail(exitBadArgs, err)
				}
				return cx.bench(cfg)
			}
		},
	}
}

// bench runs the load, then prints the report. It exits 1 when any operation failed.
func (cx *cmdContext) bench(cfg *benchConfig) int {
	c, code, ok := cx.newClient(true)
	if !ok {
		return code
	}
	targets, err := cx.benchTargets(c.Endpoints())
	if err != nil {
		return cx.app.fail(exitBadArgs, err)
	}
	var logFile *os.File
	if cfg.latencyLog != "" {
		// Created before the load, so that a path that cannot be written costs no run.
		if logFile, err = os.Create(cfg.latencyLog); err != nil {
			return cx.app.fail(exitBadArgs, fmt.Errorf("--latency-log: %w", err))
		}
		defer logFile.Close()
	}
	runner := newBenchRunner(cfg, targets, cx.app.stderr)
	defer runner.close()
	if cfg.prefill {
		pre := runner.run(cx.app.ctx, phase{name: "prefill", workload: workloadPut, total: int64(cfg.keySpace), sequential: true})
		if pre.errors > 0 || pre.interrupted {
			fmt.Fprintf(cx.app.stderr, "prefill: %d errors%s\n", pre.errors, interruptedNote(pre.interrupted))
			printErrorTable(cx.app.stderr, pre)
			return exitError
		}
	}
	res := runner.run(cx.app.ctx, phase{name: cfg.workload, workload: cfg.workload, total: cfg.total, duration: cfg.duration, rate: cfg.rate,
		logLatencies: logFile != nil})
	res.endpoints = c.Endpoints()
	if logFile != nil {
		err := writeLatencyLog(logFile, res.latencyLog)
		if cerr := logFile.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("latency log: %w", cerr)
		}
		if err != nil {
			return cx.app.fail(exitError, err)
		}
	}
	if cx.app.global.output == "json" {
		if err := printBenchJSON(cx.app.stdout, res); err != nil {
			return cx.app.fail(exitError, err)
		}
	} else {
		printBenchReport(cx.app.stdout, res)
	}
	if res.errors > 0 {
		return exitError
	}
	return exitSuccess
}

// interruptedNote is the suffix of an interrupted phase's message.
func interruptedNote(interrupted bool) string {
	if interrupted {
		return " (interrupted)"
	}
	return ""
}

// benchTargets turns endpoint URLs into dial targets with the TLS settings and credentials of
// the global flags.
func (cx *cmdContext) benchTargets(endpoints []string) ([]benchTarget, error) {
	httpClient, err := cx.httpClient()
	if err != nil {
		return nil, err
	}
	tr, _ := httpClient.Transport.(*http.Transport)
	auth := ""
	if user := fileOrEnv(cx.app.global.username, "ETCDCTL_USERNAME", cx.app.getenv); user != "" {
		name, pass, err := cx.credentials(user)
		if err != nil {
			return nil, err
		}
		auth = "Basic " + base64.StdEncoding.EncodeToString([]byte(name+":"+pass))
	}
	var targets []benchTarget
	for _, ep := range endpoints {
		u, err := url.Parse(ep)
		if err != nil {
			return nil, fmt.Errorf("endpoint %q: %w", ep, err)
		}
		t := benchTarget{addr: u.Host, host: u.Host, auth: auth}
		switch u.Scheme {
		case "http":
			if u.Port() == "" {
				t.addr += ":80"
			}
		case "https":
			if u.Port() == "" {
				t.addr += ":443"
			}
			cfg := &tls.Config{MinVersion: tls.VersionTLS12}
			if tr != nil && tr.TLSClientConfig != nil {
				cfg = tr.TLSClientConfig.Clone()
			}
			cfg.ServerName = u.Hostname()
			t.tls = cfg
		default:
			return nil, fmt.Errorf("endpoint %q: scheme must be http or https", ep)
		}
		targets = append(targets, t)
	}
	if len(targets) == 0 {
		return nil, fmt.Errorf("no endpoints")
	}
	return targets, nil
}
