package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// benchConfig is one bench run's checked settings.
type benchConfig struct {
	workload    string
	clients     int
	conns       int
	valSize     int
	keySpace    int
	total       int64         // operations to send, or 0 with duration
	duration    time.Duration // how long to send, or 0 with total
	rate        float64       // operations per second over all clients, 0 = unlimited
	readPercent int
	prefix      string
	seed        uint64
	timeout     time.Duration
	prefill     bool
	// progressEvery is the period of the progress line.
	progressEvery time.Duration
	// latencyLog is the file --latency-log names, or "".
	latencyLog string
}

// benchResult is a finished run's tally over all clients.
type benchResult struct {
	cfg         *benchConfig
	endpoints   []string
	elapsed     time.Duration
	hist        latencyHistogram
	ok, miss    uint64
	errors      uint64
	refreshes   uint64
	errorKinds  map[string]uint64
	errorSample map[string]string
	interrupted bool
	// byEndpoint is the latency of the answered operations by the endpoint (host:port) that
	// answered them, in the order of the endpoints.
	byEndpoint []endpointLatency
	// latencyLog is every answered operation, when the phase logs them (phase.logLatencies).
	latencyLog []latencyRecord
}

// endpointLatency is the latency histogram of the operations one endpoint answered.
type endpointLatency struct {
	addr string
	hist *latencyHistogram
}

// answered is the number of operations the servers answered as the workload expects.
func (r *benchResult) answered() uint64 { return r.ok + r.miss }

// throughput is answered operations per second.
func (r *benchResult) throughput() float64 {
	if r.elapsed <= 0 {
		return 0
	}
	return float64(r.answered()) / r.elapsed.Seconds()
}

// clientTally is one client's share of the result.
type clientTally struct {
	hist        latencyHistogram
	byAddr      map[string]*latencyHistogram
	ok, miss    uint64
	errors      uint64
	refreshes   uint64
	errorKinds  map[string]uint64
	errorSample map[string]string
	// log is every answered operation, when the phase logs them; nil otherwise.
	log []latencyRecord
}

// fail counts one error of kind, keeping the first message of each kind.
func (t *clientTally) fail(kind, message string) {
	t.errors++
	t.errorKinds[kind]++
	if _, ok := t.errorSample[kind]; !ok {
		t.errorSample[kind] = message
	}
}

// recordAt adds one latency to the histogram of the endpoint addr.
func (t *clientTally) recordAt(addr string, d time.Duration) {
	h := t.byAddr[addr]
	if h == nil {
		h = &latencyHistogram{}
		t.byAddr[addr] = h
	}
	h.record(d)
}

// mergeByEndpoint merges the clients' per-endpoint histograms, one per address of addrs that
// answered anything, in the order of addrs.
func mergeByEndpoint(addrs []string, tallies []*clientTally) []endpointLatency {
	var out []endpointLatency
	for _, addr := range addrs {
		merged := &latencyHistogram{}
		for _, t := range tallies {
			if h := t.byAddr[addr]; h != nil {
				merged.merge(h)
			}
		}
		if merged.count() > 0 {
			out = append(out, endpointLatency{addr: addr, hist: merged})
		}
	}
	return out
}

// errorKind names a transport error's class for the error table.
func errorKind(err error) string {
	var ne net.Error
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "connection closed"
	case errors.As(err, &ne) && ne.Timeout():
		return "timeout"
	}
	return "transport error"
}

// benchRunner drives the clients of one run.
type benchRunner struct {
	cfg      *benchConfig
	pool     chan *benchConn
	addrs    []string // the targets' addresses, each once, in order
	progress io.Writer

	issued   atomic.Int64
	finished atomic.Int64
	failed   atomic.Int64
}

// newBenchRunner opens (lazily) cfg.conns connections spread round-robin over targets.
func newBenchRunner(cfg *benchConfig, targets []benchTarget, progress io.Writer) *benchRunner {
	pool := make(chan *benchConn, cfg.conns)
	for i := 0; i < cfg.conns; i++ {
		pool <- newBenchConn(targets[i%len(targets)], cfg.timeout)
	}
	var addrs []string
	for _, t := range targets {
		if !slices.Contains(addrs, t.addr) {
			addrs = append(addrs, t.addr)
		}
	}
	return &benchRunner{cfg: cfg, pool: pool, addrs: addrs, progress: progress}
}

// close closes every connection.
func (r *benchRunner) close() {
	for i := 0; i < r.cfg.conns; i++ {
		(<-r.pool).close()
	}
}

// phase is one pass of the clients: the prefill or the measured run.
type phase struct {
	name     string
	workload string
	total    int64
	duration time.Duration
	rate     float64
	// sequential writes key n as operation n (the prefill) instead of drawing keys.
	sequential bool
	// logLatencies keeps every answered operation's start, latency and endpoint (--latency-log).
	logLatencies bool
}

// run executes one phase and returns its tally; it stops early, marking the result
// interrupted, when ctx is cancelled.
func (r *benchRunner) run(ctx context.Context, p phase) *benchResult {
	r.issued.Store(0)
	r.finished.Store(0)
	r.failed.Store(0)
	cfg := r.cfg
	start := time.Now()
	var deadline time.Time
	if p.duration > 0 {
		deadline = start.Add(p.duration)
	}
	tallies := make([]*clientTally, cfg.clients)
	var wg sync.WaitGroup
	for i := range tallies {
		t := &clientTally{byAddr: map[string]*latencyHistogram{}, errorKinds: map[string]uint64{}, errorSample: map[string]string{}}
		if p.logLatencies {
			t.log = []latencyRecord{}
		}
		tallies[i] = t
		w := newBenchWorkload(p.workload, i, cfg.seed, cfg.prefix, cfg.keySpace, cfg.valSize, cfg.readPercent)
		wg.Add(1)
		go func() {
			defer wg.Done()
			r.client(ctx, p, w, t, start, deadline)
		}()
	}
	stopProgress := r.startProgress(p, start)
	wg.Wait()
	elapsed := time.Since(start)
	stopProgress(elapsed)

	res := &benchResult{cfg: cfg, elapsed: elapsed, errorKinds: map[string]uint64{}, errorSample: map[string]string{}, interrupted: ctx.Err() != nil}
	res.byEndpoint = mergeByEndpoint(r.addrs, tallies)
	if p.logLatencies {
		res.latencyLog = mergeLatencyLogs(tallies)
	}
	for _, t := range tallies {
		res.hist.merge(&t.hist)
		res.ok += t.ok
		res.miss += t.miss
		res.errors += t.errors
		res.refreshes += t.refreshes
		for k, n := range t.errorKinds {
			res.errorKinds[k] += n
			if _, ok := res.errorSample[k]; !ok {
				res.errorSample[k] = t.errorSample[k]
			}
		}
	}
	return res
}

// client is one load-generator client's loop.
func (r *benchRunner) client(ctx context.Context, p phase, w *benchWorkload, t *clientTally, start, deadline time.Time) {
	var pace *time.Timer
	for ctx.Err() == nil {
		n := r.issued.Add(1) - 1
		if p.total > 0 && n >= p.total {
			return
		}
		if p.rate > 0 {
			slot := start.Add(time.Duration(float64(n) / p.rate * float64(time.Second)))
			if wait := time.Until(slot); wait > 0 {
				if pace == nil {
					pace = time.NewTimer(wait)
				} else {
					pace.Reset(wait)
				}
				select {
				case <-pace.C:
				case <-ctx.Done():
					return
				}
			}
		}
		if !deadline.IsZero() && !time.Now().Before(deadline) {
			return
		}
		kind, key := w.next()
		if p.sequential {
			kind, key = opPut, int(n)
		}
		r.one(w, t, kind, key)
	}
}

// one sends one operation, and for a cas whose compare failed the refresh read, and tallies.
func (r *benchRunner) one(w *benchWorkload, t *clientTally, kind opKind, key int) {
	conn := <-r.pool
	defer func() { r.pool <- conn }()
	began := time.Now()
	resp, err := conn.do(w.request(kind, key), kind == opCAS)
	latency := time.Since(began)
	r.finished.Add(1)
	if err != nil {
		r.failed.Add(1)
		t.fail(errorKind(err), err.Error())
		return
	}
	switch classify(kind, resp.status) {
	case outcomeOK:
		t.ok++
	case outcomeMiss:
		t.miss++
	default:
		r.failed.Add(1)
		t.fail(fmt.Sprintf("HTTP %d", resp.status), fmt.Sprintf("%s %s", w.req.method, w.req.target))
		return
	}
	t.hist.record(latency)
	t.recordAt(conn.target.addr, latency)
	if t.log != nil {
		t.log = append(t.log, latencyRecord{start: began, latency: latency, addr: conn.target.addr})
	}
	if kind != opCAS {
		return
	}
	if resp.status == 412 {
		t.refreshes++
		resp, err = conn.do(w.refreshRequest(key), true)
		if err != nil {
			t.fail("refresh "+errorKind(err), err.Error())
			return
		}
	}
	if err := w.learn(key, resp.status, resp.body); err != nil {
		t.fail("bad response", err.Error())
	}
}

// startProgress prints a progress line every cfg.progressEvery until the returned function
// is called, which prints the final line.
func (r *benchRunner) startProgress(p phase, start time.Time) func(elapsed time.Duration) {
	end := "\n"
	if isTerminal(r.progress) {
		end = "\r"
	}
	stop := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		if r.cfg.progressEvery <= 0 {
			<-stop
			return
		}
		tick := time.NewTicker(r.cfg.progressEvery)
		defer tick.Stop()
		last, lastAt := int64(0), start
		for {
			select {
			case <-stop:
				return
			case now := <-tick.C:
				done := r.finished.Load()
				rate := float64(done-last) / now.Sub(lastAt).Seconds()
				r.printProgress(p, done, now.Sub(start), fmt.Sprintf("%.0f ops/s now", rate), end)
				last, lastAt = done, now
			}
		}
	}()
	return func(elapsed time.Duration) {
		close(stop)
		<-stopped
		done := r.finished.Load()
		r.printProgress(p, done, elapsed, fmt.Sprintf("%.0f ops/s", float64(done)/elapsed.Seconds()), "\n")
	}
}

// printProgress writes one progress line.
func (r *benchRunner) printProgress(p phase, done int64, elapsed time.Duration, rate, end string) {
	of := ""
	if p.total > 0 {
		of = fmt.Sprintf("/%d", p.total)
	}
	fmt.Fprintf(r.progress, "%s: %d%s ops, %s, %d errors, %.1fs   %s", p.name, done, of, rate, r.failed.Load(), elapsed.Seconds(), end)
}

// isTerminal tells whether w is a character device (a progress line then redraws in place).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}
