package netsim

import (
	"errors"
	"fmt"
	"io"

	"github.com/raftlab/raftlab/core/raft"
	"github.com/raftlab/raftlab/core/rng"
)

// DefaultEpoch is the unix time (ns) that virtual time 0 maps to on every node's clock:
// 2026-01-01T00:00:00Z, so TTL expirations look like real dates.
const DefaultEpoch int64 = 1767225600 * 1e9

// Config describes one simulated run. Zero values get the defaults noted on each field.
type Config struct {
	// Seed makes the run: same seed, same config, same code ⇒ the same trace hash.
	Seed uint64
	// Nodes is the cluster size (default 3); nodes are n1..nN with IDs 1..N.
	Nodes int
	// TickInterval is each node's tick length in ns of its own clock (default 100ms).
	TickInterval int64
	// Epoch is the unix time (ns) of virtual time 0 (default DefaultEpoch).
	Epoch int64
	// Link is every link's initial configuration (default 1ms + 1ms uniform latency, no faults).
	Link LinkConfig
	// DiskLatency is the time between handing out a persist batch that must be synced and its
	// completion (default 1ms + 1ms uniform); a batch without fsync completes at once.
	DiskLatency Latency
	// NewProcess builds (and rebuilds at restart) each node's process. Required.
	NewProcess ProcessFactory
	// NewDisk builds each node's disk. Required.
	NewDisk DiskFactory
	// Clients configures the simulated clients (none when Count is 0).
	Clients ClientConfig
	// Watches are stream watchers opened at the start of the run.
	Watches []WatchSpec
	// SampleInterval is how often per-node samples are taken for reports (default 100ms; negative = never).
	SampleInterval int64
	// LogInterval is how often observers get every node's whole log through OnLog (default 1s;
	// negative = only when a node becomes leader). Log checks cost time in proportion to log length.
	LogInterval int64
	// Trace, when set, receives every trace line as it is produced.
	Trace io.Writer
	// DescribeEntry renders a log entry for display (default: "term/index type len").
	DescribeEntry func(raft.Entry) string
	// Observers receive role, commit, apply, log and restart notifications.
	Observers []Observer
	// FaultPoints arms core's named fault points (none by default).
	FaultPoints FaultPoints
}

func (c *Config) withDefaults() (Config, error) {
	out := *c
	if out.Nodes == 0 {
		out.Nodes = 3
	}
	if out.Nodes < 0 {
		return out, fmt.Errorf("netsim: config: %d nodes", out.Nodes)
	}
	if out.TickInterval <= 0 {
		out.TickInterval = 100e6
	}
	if out.Epoch == 0 {
		out.Epoch = DefaultEpoch
	}
	if out.Link == (LinkConfig{}) {
		out.Link = LinkConfig{Latency: Latency{Min: 1e6, Spread: 1e6}}
	}
	if err := out.Link.Validate(); err != nil {
		return out, fmt.Errorf("netsim: config: %w", err)
	}
	if out.DiskLatency == (Latency{}) {
		out.DiskLatency = Latency{Min: 1e6, Spread: 1e6}
	}
	if out.NewProcess == nil {
		return out, errors.New("netsim: config: NewProcess is required")
	}
	if out.NewDisk == nil {
		return out, errors.New("netsim: config: NewDisk is required")
	}
	if out.SampleInterval == 0 {
		out.SampleInterval = 100e6
	}
	if out.LogInterval == 0 {
		out.LogInterval = 1e9
	}
	if out.DescribeEntry == nil {
		out.DescribeEntry = defaultDescribeEntry
	}
	cc, err := out.Clients.withDefaults()
	if err != nil {
		return out, err
	}
	out.Clients = cc
	return out, nil
}

func defaultDescribeEntry(e raft.Entry) string {
	return fmt.Sprintf("%d/%d type=%d len=%d", e.Term, e.Index, e.Type, len(e.Data))
}

// Sim is one deterministic simulated run: a virtual clock, an event queue, one seeded generator from
// which every other generator is derived, the network, the nodes, their disks and the clients. It is
// single-threaded: every method must be called from the goroutine that runs it.
type Sim struct {
	cfg    Config
	now    int64
	seq    uint64
	steps  uint64
	queue  eventQueue
	rng    *rng.Rand
	tracer *tracer
	net    *Network
	hosts  map[uint64]*host
	// dense holds the hosts of IDs below maxDenseID by ID (nil where there is none).
	dense    []*host
	order    []uint64        // node IDs ascending
	initial  []MemberSpec    // the bootstrap cluster
	members  []MemberSpec    // every member ever started, in order
	names    map[string]bool // node names in use or reserved
	removed  map[uint64]bool // members whose removal was confirmed
	nextID   uint64
	clients  *clientSet
	samples  []Sample
	failures []string
	notes    []Note
	// promises are the observers that also implement PromiseObserver.
	promises []PromiseObserver
	// fp is the armed fault points, nil when none is.
	fp *faultPointState
}

// New builds a simulation and starts every node (no event has run yet).
func New(cfg Config) (*Sim, error) {
	c, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	s := &Sim{cfg: c, rng: rng.New(c.Seed, c.Seed^0x9e3779b97f4a7c15), hosts: make(map[uint64]*host), names: make(map[string]bool), removed: make(map[uint64]bool)}
	s.tracer = newTracer(c.Trace)
	s.promises = promiseObservers(c.Observers)
	s.net = newNetwork(s, s.childRand(), c.Link)
	s.fp = newFaultPointState(s, c.FaultPoints)
	for i := 1; i <= c.Nodes; i++ {
		id := uint64(i)
		m := MemberSpec{ID: id, Name: fmt.Sprintf("n%d", i)}
		s.initial = append(s.initial, m)
		s.members = append(s.members, m)
		s.names[m.Name] = true
		s.nextID = id
	}
	s.clients = newClientSet(s)
	for _, m := range s.members {
		if err := s.addHost(m, false); err != nil {
			return nil, err
		}
	}
	if err := s.clients.start(); err != nil {
		return nil, err
	}
	if c.SampleInterval > 0 {
		s.schedule(0, s.sample)
	}
	if c.LogInterval > 0 && len(c.Observers) > 0 {
		s.schedule(c.LogInterval, s.sampleLogs)
	}
	return s, nil
}

// childRand derives a new independent generator from the run's generator.
func (s *Sim) childRand() *rng.Rand {
	return rng.New(s.rng.Uint64(), s.rng.Uint64())
}

// Now is the virtual time in ns since the start of the run.
func (s *Sim) Now() int64 { return s.now }

// Rand is the run's generator, for faults and scenarios that need randomness.
func (s *Sim) Rand() *rng.Rand { return s.rng }

// Net is the simulated network.
func (s *Sim) Net() *Network { return s.net }

// Config is the run's configuration with defaults filled in.
func (s *Sim) Config() Config { return s.cfg }

// Steps is how many events have run.
func (s *Sim) Steps() uint64 { return s.steps }

// Failures are problems the simulator hit that are not the system's fault (a process factory or
// disk that returned an error); tests should require it empty.
func (s *Sim) Failures() []string { return s.failures }

// Fail records a failure a script found (an operator's check of what the cluster answered): the
// run fails with it, as with the simulator's own checks.
func (s *Sim) Fail(format string, args ...any) { s.fail(format, args...) }

func (s *Sim) fail(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	s.failures = append(s.failures, fmt.Sprintf("%d: %s", s.now, msg))
	s.tracef("failure", "-", "%s", msg)
}

// schedule queues fn at virtual time at (never in the past).
func (s *Sim) schedule(at int64, fn func()) {
	s.scheduleAction(at, eventAction{ref: fn})
}

// scheduleAction queues a typed action at virtual time at (never in the past); it takes the same
// place in the (at, seq) order as schedule would.
func (s *Sim) scheduleAction(at int64, a eventAction) {
	if at < s.now {
		at = s.now
	}
	s.seq++
	s.queue.pushAction(at, s.seq, &a)
}

// scheduleDelivery queues the delivery of the boxed message at virtual time at.
func (s *Sim) scheduleDelivery(at int64, m *raft.Message) {
	s.scheduleAction(at, eventAction{kind: evDeliver, ref: m})
}

// At queues fn at virtual time at (clamped to now). Scenarios and nemesis schedules use it.
func (s *Sim) At(at int64, fn func()) { s.schedule(at, fn) }

// After queues fn d ns from now.
func (s *Sim) After(d int64, fn func()) { s.schedule(s.now+d, fn) }

// Step runs the next event; it returns false when the queue is empty.
func (s *Sim) Step() bool {
	if s.queue.Len() == 0 {
		return false
	}
	k := s.queue.take()
	s.now = k.at
	s.steps++
	// The action runs in place: its slot stays reserved until it is done, and whatever it schedules
	// goes to other slots (if they move the slice, this pointer still reads the same action).
	if s.fp != nil {
		s.stepGuarded(&s.queue.actions[k.slot])
	} else {
		s.act(&s.queue.actions[k.slot])
	}
	s.queue.release(k.slot)
	return true
}

// act runs one event's action.
func (s *Sim) act(a *eventAction) {
	switch a.kind {
	case evFunc:
		a.ref.(func())()
	case evDeliver:
		s.net.deliverBoxed(a.ref.(*raft.Message))
	case evTick:
		a.ref.(*host).tick(a.n1)
	case evPersisted:
		a.ref.(*host).persisted(a.n1, a.n2, a.flag)
	case evIssue:
		s.clients.issue(a.ref.(*client))
	case evArrive:
		s.clients.arrive(a.ref.(*call), int(a.n1), a.n2)
	case evTimeout:
		s.clients.timeout(a.ref.(*call), int(a.n1), a.n2)
	case evRespond:
		s.clients.respondNow(int(a.n1), a.ref.(*replyBox))
	case evRetry:
		s.clients.retry(a.ref.(*call))
	}
}

// Run runs every event up to and including virtual time until, then sets the clock to until.
// Idle time costs nothing: the clock jumps from one event to the next.
func (s *Sim) Run(until int64) {
	for s.queue.readyBy(until) {
		s.Step()
	}
	if s.now < until {
		s.now = until
	}
}

// RunFor runs d ns of virtual time from now.
func (s *Sim) RunFor(d int64) { s.Run(s.now + d) }

// RunUntil runs events until pred holds (checked before each event and at the end) or virtual time
// would pass limit. It reports whether pred holds.
func (s *Sim) RunUntil(pred func() bool, limit int64) bool {
	for {
		if pred() {
			return true
		}
		if !s.queue.readyBy(limit) {
			if s.now < limit {
				s.now = limit
			}
			return pred()
		}
		s.Step()
	}
}

// name is the display name of a node ID ("n3").
func (s *Sim) name(id uint64) string {
	if h := s.hostByID(id); h != nil {
		return h.name
	}
	return fmt.Sprintf("n%d", id)
}

// traceNameOf is the trace name of node id ("n3"), computed once per host.
func (s *Sim) traceNameOf(id uint64) traceName {
	if h := s.hostByID(id); h != nil {
		return h.tname
	}
	return newTraceName(s.name(id))
}

// maxDenseID bounds the node IDs found by index (host) rather than through the hosts map: the lab
// numbers its nodes 1, 2, 3, ..., and every message and request looks its hosts up.
const maxDenseID = 1024

// hostByID returns the host of node id, nil when there is none.
func (s *Sim) hostByID(id uint64) *host {
	if id < uint64(len(s.dense)) {
		return s.dense[id]
	}
	return s.hosts[id]
}

// NodeID returns the ID of the node called name.
func (s *Sim) NodeID(name string) (uint64, error) {
	for _, id := range s.order {
		if s.hosts[id].name == name {
			return id, nil
		}
	}
	return 0, fmt.Errorf("netsim: no node named %q", name)
}

// Name returns the display name of node id.
func (s *Sim) Name(id uint64) string { return s.name(id) }

// Nodes returns every node ID ever started, ascending.
func (s *Sim) Nodes() []uint64 { return append([]uint64(nil), s.order...) }
