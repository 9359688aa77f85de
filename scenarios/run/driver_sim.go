package run

import (
	"errors"
	"fmt"
	"time"

	"github.com/raftlab/raftlab/checker"
	"github.com/raftlab/raftlab/checker/history"
	"github.com/raftlab/raftlab/core/node"
	"github.com/raftlab/raftlab/core/raft"
	"github.com/raftlab/raftlab/core/store"
	"github.com/raftlab/raftlab/nemesis"
	"github.com/raftlab/raftlab/netsim"
	"github.com/raftlab/raftlab/netsim/nodehost"
	"github.com/raftlab/raftlab/scenarios/internal/observe"
	"github.com/raftlab/raftlab/scenarios/story"
)

// simDriver runs a story on the deterministic simulator with real raftlab nodes.
type simDriver struct {
	sim *netsim.Sim
	// names are the cluster line's names: node i+1 is names[i] in the story (the simulator names
	// its nodes n1, n2, ...).
	names   []string
	timeout int64
	monitor *checker.Monitor
	truth   *observe.Committed
	// specs are the watchers the simulator opened at the start (it opens them only from its
	// configuration), one per `watch` statement; used says which a statement took.
	specs []netsim.WatchSpec
	used  []bool
	// lastRole is each node's last role, to tell elections and step-downs; events are the ones
	// not yet handed to the executor.
	lastRole map[uint64]string
	events   []Event
}

// newSimDriver builds the simulation the story's header describes.
func newSimDriver(st *story.Story, seed uint64, opts Options) (*simDriver, error) {
	d := &simDriver{names: st.Nodes, timeout: clientTimeout(st), monitor: checker.NewMonitor(), truth: observe.NewCommitted(),
		specs: watchSpecs(st), lastRole: map[uint64]string{}}
	d.used = make([]bool, len(d.specs))
	cfg := netsim.Config{
		Seed:         seed,
		Nodes:        len(st.Nodes),
		TickInterval: int64(st.Heartbeat),
		Link: netsim.LinkConfig{Latency: netsim.Latency{Min: int64(st.LatencyMin),
			Spread: int64(st.LatencyMax - st.LatencyMin)}},
		Clients:   netsim.ClientConfig{Timeout: d.timeout},
		Trace:     opts.Trace,
		Watches:   d.specs,
		Observers: []netsim.Observer{observe.MonitorObserver{M: d.monitor}, d.truth, roleObserver{d: d}},
	}
	ropts := nodehost.Options{
		ElectionTicks:      int(st.Election / st.Heartbeat),
		HeartbeatTicks:     1,
		DisableCheckQuorum: !st.CheckQuorum,
		DisablePreVote:     !st.PreVote,
		Bugs:               opts.Bugs,
	}
	sim, err := netsim.New(nodehost.Configure(cfg, ropts))
	if err != nil {
		return nil, fmt.Errorf("run: %s: %w", st.File, err)
	}
	d.sim = sim
	d.truth.Attach(sim)
	return d, nil
}

// clientTimeout is how long a story's client waits for one attempt: two election timeouts, so an
// operation survives one election.
func clientTimeout(st *story.Story) int64 { return int64(2 * st.Election) }

// watchSpecs opens one simulator watcher per `watch` statement of the story, in story order.
func watchSpecs(st *story.Story) []netsim.WatchSpec {
	var specs []netsim.WatchSpec
	for _, s := range st.Stmts {
		if s.Kind == story.KindOp && s.Op.Verb == "watch" {
			specs = append(specs, netsim.WatchSpec{Key: s.Op.Key, Recursive: s.Op.Recursive})
		}
	}
	return specs
}

func (d *simDriver) Describe() DriverInfo {
	return DriverInfo{Server: "the simulator (raftlab's nodes on a simulated network, disk and clock)",
		InstantCampaign: true}
}

func (d *simDriver) Nodes() []uint64 { return d.sim.Nodes() }
func (d *simDriver) Now() int64      { return d.sim.Now() }

// Name is the story's name of node id: its name on the cluster line, or the simulator's for a
// member added later.
func (d *simDriver) Name(id uint64) string {
	if id >= 1 && id <= uint64(len(d.names)) {
		return d.names[id-1]
	}
	return d.sim.Name(id)
}

// NodeID finds a node by the story's name, or by the simulator's for a member added later.
func (d *simDriver) NodeID(name string) (uint64, error) {
	for i, n := range d.names {
		if n == name {
			return uint64(i + 1), nil
		}
	}
	return d.sim.NodeID(name)
}

func (d *simDriver) Leader() (uint64, uint64) { return d.sim.Leader() }
func (d *simDriver) Note(text string)         { d.sim.Note(text) }
func (d *simDriver) Faults() nemesis.Target   { return nemesis.Sim(d.sim) }

func (d *simDriver) Status(id uint64) NodeStatus {
	info, err := d.sim.Info(id)
	if err != nil || !info.Alive {
		return NodeStatus{Role: roleDown}
	}
	st := NodeStatus{Role: info.Status.Role.String(), Term: info.Status.Term, Commit: info.Status.Commit,
		Index: info.Status.EtcdIndex}
	if info.Paused {
		st.Role = rolePaused
	}
	return st
}

func (d *simDriver) Log(id uint64) (NodeLog, error) {
	info, err := d.sim.Info(id)
	if err != nil || !info.Alive {
		return NodeLog{}, nil
	}
	var out NodeLog
	for _, e := range d.sim.Log(id) {
		if v, ok := node.EntryValue(e); ok {
			out.Cells = append(out.Cells, Cell{Position: len(out.Cells) + 1, Index: e.Index, Term: e.Term, Value: v,
				Committed: e.Index <= info.Status.Commit})
		}
		out.LastIndex, out.LastTerm = e.Index, e.Term
	}
	return out, nil
}

func (d *simDriver) Connected(a, b uint64) bool {
	n := d.sim.Net()
	return a == b || (!n.IsCut(netsim.Link{From: a, To: b}) && !n.IsCut(netsim.Link{From: b, To: a}))
}

// requestKinds maps operation kinds to the simulator's request kinds.
var requestKinds = map[history.Kind]netsim.RequestKind{
	history.KindGet: netsim.ReqGet, history.KindQGet: netsim.ReqQuorumGet, history.KindSet: netsim.ReqSet,
	history.KindCreate: netsim.ReqCreate, history.KindUpdate: netsim.ReqUpdate, history.KindCAS: netsim.ReqCompareAndSwap,
	history.KindDelete: netsim.ReqDelete, history.KindCAD: netsim.ReqCompareAndDelete,
}

func (d *simDriver) Do(r Request, target uint64) (Call, error) {
	if r.Recursive {
		return nil, unsupportedf("recursive %s: the simulator's clients read and delete single keys", r.Kind)
	}
	req := netsim.Request{Kind: requestKinds[r.Kind], Key: r.Key, Value: r.Value, PrevValue: r.PrevValue,
		PrevIndex: r.PrevIndex, TTL: int64(r.TTL)}
	c, err := d.sim.Do(req, netsim.DoOptions{Target: target, Timeout: d.timeout})
	if err != nil {
		return nil, err
	}
	return simCall{c}, nil
}

func (d *simDriver) CallBudget(target uint64) int64 {
	attempts := int64(d.sim.Config().Clients.Attempts)
	if target != 0 || attempts < 1 {
		attempts = 1
	}
	return attempts*d.timeout + d.timeout/2
}

func (d *simDriver) Mkdir(string, time.Duration, bool) (Call, error) {
	return nil, unsupportedf("mkdir: the simulator's clients write registers, not directories")
}

func (d *simDriver) AddMember(name string) (uint64, Call, error) {
	id, c, err := d.sim.AddMember(name)
	if err != nil {
		return 0, nil, err
	}
	return id, simCall{c}, nil
}

func (d *simDriver) RemoveMember(id uint64) (Call, error) {
	c, err := d.sim.RemoveMember(id)
	if err != nil {
		return nil, err
	}
	return simCall{c}, nil
}

func (d *simDriver) Campaign(id uint64) error { return nodehost.Campaign(d.sim, id) }

func (d *simDriver) TransferLeadership(from, to uint64) error {
	return nodehost.TransferLeadership(d.sim, from, to)
}

func (d *simDriver) RunUntil(pred func() bool, limit int64) bool { return d.sim.RunUntil(pred, limit) }

func (d *simDriver) Events() []Event {
	out := d.events
	d.events = nil
	return out
}

func (d *simDriver) History() []history.Op { return d.truth.WithExpiry(d.sim.History()) }

func (d *simDriver) Finish() Ending {
	e := Ending{Watches: d.sim.WatchRecords(), Monitor: d.monitor.Violations(), Samples: d.sim.Samples(),
		TraceHash: d.sim.TraceHash()}
	for _, v := range e.Monitor {
		e.Checks = append(e.Checks, Check{Failure: "expected Raft's invariants to hold, got: " + v})
	}
	if len(e.Watches) > 0 {
		if err := d.truth.Err(); err != nil {
			e.Checks = append(e.Checks, Check{Note: fmt.Sprintf("watch check skipped: %v", err)})
		} else {
			for _, p := range checker.CheckWatches(e.Watches, d.truth.Events()) {
				e.Checks = append(e.Checks, Check{Failure: "expected every watcher to see every committed event, got: " + p})
			}
		}
	}
	for _, f := range d.sim.Failures() {
		e.Checks = append(e.Checks, Check{Failure: "expected no simulator failure, got: " + f})
	}
	return e
}

// simCall is a simulator client call.
type simCall struct{ c *netsim.Call }

func (c simCall) Done() bool     { return c.c.Done() }
func (c simCall) Op() history.Op { return c.c.Op() }
func (c simCall) Err() error     { return c.c.Reply().Err }

func (c simCall) Cause() string {
	var se *store.Error
	if errors.As(c.c.Reply().Err, &se) {
		return se.Cause
	}
	return ""
}

// roleObserver tells elections and step-downs as they happen.
type roleObserver struct {
	netsim.NopObserver
	d *simDriver
}

// OnRole notes a node becoming leader, or a leader stepping down.
func (o roleObserver) OnRole(id, term uint64, role raft.Role, _ int64) {
	d := o.d
	if d.sim == nil {
		return
	}
	prev := d.lastRole[id]
	now := role.String()
	d.lastRole[id] = now
	switch {
	case role == raft.RoleLeader:
		d.event(fmt.Sprintf("%s becomes leader in term %d", d.Name(id), term))
	case prev == "leader":
		d.event(fmt.Sprintf("%s steps down to %s in term %d", d.Name(id), now, term))
	}
}

// OnCrash forgets the crashed node's role.
func (o roleObserver) OnCrash(id uint64, _ int64) { delete(o.d.lastRole, id) }

func (d *simDriver) event(text string) {
	d.events = append(d.events, Event{At: d.sim.Now(), Text: text})
}

// Watch takes the first watcher the simulator opened at the start for this key that no statement
// took yet; it owes the events from the highest index a live node has applied on.
func (d *simDriver) Watch(key string, recursive bool) (Watch, error) {
	for i, spec := range d.specs {
		if d.used[i] || spec.Key != key || spec.Recursive != recursive {
			continue
		}
		d.used[i] = true
		var idx uint64
		for _, id := range d.sim.Nodes() {
			if info, err := d.sim.Info(id); err == nil && info.Alive {
				idx = max(idx, info.Status.EtcdIndex)
			}
		}
		return simWatch{d: d, record: i, since: idx + 1}, nil
	}
	return nil, fmt.Errorf("no watcher of %s was opened at the start", key)
}

// simWatch is a watcher opened at the start of the run whose events count from since.
type simWatch struct {
	d      *simDriver
	record int
	since  uint64
}

func (w simWatch) Since() uint64 { return w.since }

func (w simWatch) Events() ([]string, error) {
	recs := w.d.sim.WatchRecords()
	if w.record >= len(recs) {
		return nil, fmt.Errorf("watch of record %d has no record", w.record)
	}
	var out []string
	for _, e := range recs[w.record].Events {
		if e.Index >= w.since {
			out = append(out, e.Action+" "+e.Key)
		}
	}
	return out, nil
}
