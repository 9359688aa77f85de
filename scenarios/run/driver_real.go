package run

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/raftlab/raftlab/checker/history"
	"github.com/raftlab/raftlab/scenarios/realproc"
	"github.com/raftlab/raftlab/scenarios/story"
)

// RealOptions tune a run of a story on real processes.
type RealOptions struct {
	// Binary is the server executable (kvd, or etcd from scenarios/etcdref); Flavor says which.
	Binary string
	Flavor realproc.Flavor
	// Dir holds the members' data directories and logs. It must exist.
	Dir string
	// ClientTimeout bounds one client operation (0: RealClientTimeout).
	ClientTimeout time.Duration
	// Out receives the narrative as it is produced; nil discards it.
	Out io.Writer
	// MaxTime bounds the story's wall time (default DefaultMaxVirtual).
	MaxTime time.Duration
	// StartTimeout bounds the start of the cluster (default 60s).
	StartTimeout time.Duration
	// Ports is where the members and their proxies listen (zero: realproc.DefaultPorts).
	Ports realproc.PortRange
	// Context, when it ends (an interrupted labd), stops the cluster at once: no member process
	// outlives the run, and what is left of the story ends quickly, failed.
	Context context.Context
}

// RealClientTimeout is how long one client operation may take on real processes by default: one
// election timeout, at least a second. The simulator's clients wait two election timeouts, but a
// real server submits a waiting request again after a leader change: a write cut off with a
// deposed leader is then committed once the partition heals if its client still waits, which a
// story (the slides' "wow") does not expect. A new leader takes at least one election timeout to
// be elected, so a client that waits one election timeout has given up by then.
func RealClientTimeout(st *story.Story) time.Duration {
	return max(st.Election, time.Second)
}

// Real runs a parsed story on a cluster of real server processes on 127.0.0.1, behind
// fault-injecting proxies (scenarios/realproc), with the same executor as the simulator. The error
// is for a run that could not happen at all (a member that would not start); failed
// expectations are in the Result, and what real processes cannot do or show is in Result.Skipped.
func Real(st *story.Story, opts RealOptions) (*Result, error) {
	if err := checkTiming(st); err != nil {
		return nil, err
	}
	d, err := startReal(st, opts)
	if err != nil {
		return nil, err
	}
	if opts.Context != nil {
		defer context.AfterFunc(opts.Context, d.interrupt)()
	}
	fmt.Fprintf(orDiscard(opts.Out), "%s: %s on %s: %d members on 127.0.0.1 (heartbeat %s, election %s, client timeout %s, data %s)\n",
		st.Name, st.Title, d.server, len(st.Nodes), st.Heartbeat, st.Election, d.timeout, opts.Dir)
	return execute(st, d, st.Seed, opts.Out, opts.MaxTime), nil
}

// interrupt stops every member now; waits and campaigns give up.
func (d *realDriver) interrupt() {
	d.stopped.Store(true)
	_ = d.c.Close()
}

func orDiscard(w io.Writer) io.Writer {
	if w == nil {
		return io.Discard
	}
	return w
}

// checkTiming rejects a story whose election timeout is shorter than its heartbeat.
func checkTiming(st *story.Story) error {
	if st.Heartbeat <= 0 || st.Election < st.Heartbeat {
		return fmt.Errorf("run: %s: the election timeout (%v) must be at least one heartbeat (%v)", st.File, st.Election, st.Heartbeat)
	}
	return nil
}

// realPoll is how often waits look at the cluster again.
const realPoll = 20 * time.Millisecond

// realLag is how long a real watcher's events may trail the write that caused them.
const realLag = 3 * time.Second

// realDriver runs a story on real processes, in wall time.
type realDriver struct {
	st      *story.Story
	c       *realproc.Cluster
	server  string
	timeout time.Duration
	start   time.Time
	rng     *rand.Rand

	// names are the nodes by ID (ID i+1 is names[i]): the cluster line's, then the members added.
	names []string
	// pending: every link is still cut, as the cluster was left after its start-up; the first
	// action that lets time pass opens them (a campaign opens them its own way).
	pending bool
	// latency is the range link delays are drawn from: the story's, or a delay fault's.
	latMin, latMax time.Duration

	mu      sync.Mutex // guards history, calls, events and every call's result
	history []history.Op
	calls   []*realCall
	clients int
	events  []Event

	// removing are the members the story removed (or tried to): they may stop by themselves.
	removing map[string]bool
	watches  []*realWatch
	expiries *realExpiries
	sampler  *realSampler
	// stopped is set when the run was interrupted: the members are gone, nothing waits any more.
	stopped atomic.Bool
}

// startReal starts the cluster, then cuts every link and waits until nobody leads: the story then
// begins, as in the simulator, with no leader and no election under way.
func startReal(st *story.Story, opts RealOptions) (*realDriver, error) {
	startTimeout := opts.StartTimeout
	if startTimeout <= 0 {
		startTimeout = time.Minute
	}
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	c, err := realproc.Start(ctx, realproc.Config{Binary: opts.Binary, Flavor: opts.Flavor, Dir: opts.Dir,
		Names: st.Nodes, Token: "labd-real", Heartbeat: st.Heartbeat, Election: st.Election, Proxies: true,
		StartTimeout: startTimeout, Ports: opts.Ports})
	if err != nil {
		return nil, fmt.Errorf("run: start the %s cluster: %w", opts.Flavor, err)
	}
	d := &realDriver{st: st, c: c, timeout: opts.ClientTimeout, names: append([]string(nil), st.Nodes...),
		rng: rand.New(rand.NewPCG(st.Seed, st.Seed^0x9e3779b97f4a7c15)), latMin: st.LatencyMin, latMax: st.LatencyMax,
		pending: true, removing: map[string]bool{}}
	if d.timeout <= 0 {
		d.timeout = RealClientTimeout(st)
	}
	d.server = serverName(ctx, c, opts)
	c.Network().Restore(d.everyLink(realproc.LinkState{Cut: true}))
	if err := d.waitNoLeader(ctx); err != nil {
		_ = c.Close()
		return nil, err
	}
	d.start = time.Now()
	d.sampler = startSampler(d)
	return d, nil
}

// serverName is the server's flavor, the version its /version reports and its binary.
func serverName(ctx context.Context, c *realproc.Cluster, opts RealOptions) string {
	version := "(version unknown)"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.Members()[0].ClientURL+"/version", nil)
	if err == nil {
		if resp, err := http.DefaultClient.Do(req); err == nil {
			var v struct {
				Server string `json:"etcdserver"`
			}
			if json.NewDecoder(resp.Body).Decode(&v) == nil && v.Server != "" {
				version = v.Server
			}
			_ = resp.Body.Close()
		}
	}
	return fmt.Sprintf("%s %s (%s)", opts.Flavor, version, opts.Binary)
}

// waitNoLeader waits until no member says it leads (with every link cut, check-quorum makes the
// leader of the start-up election step down after an election timeout).
func (d *realDriver) waitNoLeader(ctx context.Context) error {
	for {
		if lead, _ := d.Leader(); lead == 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("run: the leader of the start-up election did not step down once cut off: %w", ctx.Err())
		case <-time.After(realPoll):
		}
	}
}

// everyLink is a table giving every directed link between the nodes the state st.
func (d *realDriver) everyLink(st realproc.LinkState) realproc.LinkTable {
	t := realproc.LinkTable{}
	for _, a := range d.nodeNames() {
		for _, b := range d.nodeNames() {
			if a != b {
				t[realproc.Link{From: a, To: b}] = st
			}
		}
	}
	return t
}

// openTable is every link open, with a delay drawn from the current latency range.
func (d *realDriver) openTable() realproc.LinkTable {
	t := realproc.LinkTable{}
	for l := range d.everyLink(realproc.LinkState{}) {
		t[l] = realproc.LinkState{Delay: d.drawDelay()}
	}
	return t
}

// drawDelay is uniform in the latency range (its low end when the range is empty).
func (d *realDriver) drawDelay() time.Duration {
	if d.latMax <= d.latMin {
		return d.latMin
	}
	return d.latMin + time.Duration(d.rng.Int64N(int64(d.latMax-d.latMin)))
}

// open opens the links still cut since the start.
func (d *realDriver) open() {
	if d.pending {
		d.pending = false
		d.c.Network().Restore(d.openTable())
	}
}

func (d *realDriver) Describe() DriverInfo {
	return DriverInfo{Server: d.server, Wall: true, Lag: realLag, TermsAsLabels: true,
		Unsupported: []Setting{
			{SettingCheckQuorumOff, "the servers always run check-quorum: a leader cut off from a majority steps down after an election timeout"},
			{SettingPreVoteOff, "the servers always run pre-vote: a node cut off probes as a pre-candidate and keeps its term"},
		}}
}

func (d *realDriver) Now() int64 { return int64(time.Since(d.start)) }

func (d *realDriver) Nodes() []uint64 {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := make([]uint64, len(d.names))
	for i := range d.names {
		out[i] = uint64(i + 1)
	}
	return out
}

// nodeNames are every node's name, in ID order.
func (d *realDriver) nodeNames() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]string(nil), d.names...)
}

func (d *realDriver) Name(id uint64) string {
	d.mu.Lock()
	defer d.mu.Unlock()
	if id >= 1 && id <= uint64(len(d.names)) {
		return d.names[id-1]
	}
	return fmt.Sprintf("node%d", id)
}

func (d *realDriver) NodeID(name string) (uint64, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for i, n := range d.names {
		if n == name {
			return uint64(i + 1), nil
		}
	}
	return 0, fmt.Errorf("no member called %q", name)
}

// member is node id's process (nil for an ID never started).
func (d *realDriver) member(id uint64) *realproc.Member { return d.c.Member(d.Name(id)) }

func (d *realDriver) Note(string) {}

// RunUntil polls pred until it holds on two polls in a row (a condition seen once on real
// processes may be a status in flight) or the wall time reaches limit.
func (d *realDriver) RunUntil(pred func() bool, limit int64) bool {
	d.open()
	held := 0
	for !d.stopped.Load() {
		if pred() {
			held++
			if held == 2 {
				return true
			}
		} else {
			held = 0
		}
		left := time.Duration(limit - d.Now())
		if left <= 0 {
			return false
		}
		time.Sleep(min(realPoll, left))
	}
	return false
}

func (d *realDriver) Events() []Event {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := d.events
	d.events = nil
	return out
}

func (d *realDriver) event(at int64, text string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.events = append(d.events, Event{At: at, Text: text})
}

// finishGrace is how long Finish lets async operations still running end.
const finishGrace = time.Second

func (d *realDriver) Finish() Ending {
	deadline := time.Now().Add(d.timeout + finishGrace)
	for _, c := range d.allCalls() {
		select {
		case <-c.done:
		case <-time.After(time.Until(deadline)):
		}
	}
	var e Ending
	e.Samples = d.sampler.finish()
	for _, w := range d.watches {
		w.stop()
	}
	if d.expiries != nil {
		d.expiries.stop()
	}
	e.Checks = append(e.Checks, Check{Skipped: "Raft's invariants are not checked: the monitor reads every node's state at every step, which real processes do not show"})
	if len(d.watches) > 0 {
		e.Checks = append(e.Checks, Check{Skipped: "the watchers are not checked against every committed event: the committed events cannot be seen from outside the servers (each `expect watch` still checks its watch)"})
	}
	for _, m := range d.c.Members() {
		if m.Crashed() && !d.removing[m.Name] {
			e.Checks = append(e.Checks, Check{Failure: fmt.Sprintf("expected no member to exit by itself, got %s exited (%v; see %s)", m.Name, m.ExitErr(), m.LogPath)})
		}
	}
	if err := d.c.Close(); err != nil {
		e.Checks = append(e.Checks, Check{Note: fmt.Sprintf("stopping the cluster: %v", err)})
	}
	return e
}

// allCalls are every call started so far.
func (d *realDriver) allCalls() []*realCall {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]*realCall(nil), d.calls...)
}

// errNoLog says why real runs show no log tables.
var errNoLog = unsupportedf("logs cannot be seen from outside the servers")
