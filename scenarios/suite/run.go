package suite

import (
	"fmt"
	"strings"
	"time"

	"github.com/raftlab/raftlab/checker"
	"github.com/raftlab/raftlab/checker/history"
	"github.com/raftlab/raftlab/core/mark"
	"github.com/raftlab/raftlab/nemesis"
	"github.com/raftlab/raftlab/netsim"
	"github.com/raftlab/raftlab/netsim/nodehost"
	"github.com/raftlab/raftlab/scenarios/internal/observe"
)

// CheckTimeout bounds the porcupine search of one run.
const CheckTimeout = 20 * time.Second

// Summary is the outcome of one seed of one suite.
type Summary struct {
	Suite string
	Seed  uint64
	// Passed is true when every verdict is clean.
	Passed bool
	// Notes are caveats that are not violations (a linearizability search that ran out of time).
	Notes []string
	// Problems are every violation found, each prefixed by the check that found it.
	Problems []string
	// Verdict is the linearizability check; Monitor the invariant violations; Promises the durability
	// promises nodes broke (checker.Promises); Watch the watch-check problems; Lost the acknowledged
	// writes missing at the end.
	Verdict  checker.Verdict
	Monitor  []string
	Promises []string
	// PromiseStats counts the promises checked.
	PromiseStats checker.PromiseStats
	Watch        []string
	Lost         []string
	// Options are the options drawn for the seed of a swarm suite (empty otherwise).
	Options string
	// Ops is the number of client operations recorded; Faults the schedule applied (and, first,
	// the options drawn).
	Ops         int
	Faults      string
	TraceHash   uint64
	VirtualTime int64
	// Replay is the command that reruns exactly this seed.
	Replay string
	// History is what Verdict was computed from: the client operations with the cluster's TTL
	// expiries (checker/history), as a history file of the seed holds them. Samples are the periodic
	// node samples, for a report.
	History []history.Op
	Samples []netsim.Sample
	// Marks counts the rare paths of core the run took (see core/mark).
	Marks *mark.Set
}

// ReplayCommand is the one command that reruns seed of the named suite.
func ReplayCommand(name string, seed uint64) string {
	test := "TestSuites"
	if strings.HasSuffix(name, "/correct") || strings.HasPrefix(name, "bug-") {
		test = "TestKnownBugs"
	}
	return fmt.Sprintf("RAFTLAB_SEED=%d go test ./scenarios -run '%s/%s$' -v", seed, test, name)
}

// Run runs one seed of the suite and checks it.
func (s Suite) Run(seed uint64) (*Summary, error) {
	var options string
	if s.Swarm {
		o := DrawOptions(seed)
		if s.Pin != nil {
			s.Pin(&o)
		}
		s, options = o.apply(s), o.String()
	}
	w := s.Workload(seed)
	clients, interval := s.Clients, s.Interval
	if len(w.Keys) <= 4 && interval == 0 {
		// Few keys with many concurrent clients (and unknown outcomes) make porcupine's search explode.
		clients, interval = min(clients, 3), 250*ms
	}
	mon := checker.NewMonitor()
	promises := checker.NewPromises()
	truth := observe.NewCommitted()
	checks := newSelfChecks()
	cfg := netsim.Config{
		Seed:        seed,
		Nodes:       s.Nodes,
		Link:        s.Link,
		DiskLatency: s.DiskLatency,
		Clients: netsim.ClientConfig{Count: clients, Workload: w, Random: true, Interval: interval,
			Timeout: s.ClientTimeout, Stop: s.Duration - s.Settle},
		Watches:     s.Watches,
		FaultPoints: netsim.FaultPoints{Armed: s.FaultPoints, From: 500 * ms, Until: s.Duration - s.Settle},
		Observers:   []netsim.Observer{observe.MonitorObserver{M: mon}, observe.PromisesObserver{P: promises}, truth, checks},
		Trace:       s.Trace,
	}
	opts := s.Node
	opts.Marks, opts.LeaderClocks = mark.NewSet(), nodehost.NewClockLog()
	sim, err := netsim.New(nodehost.Configure(cfg, opts))
	if err != nil {
		return nil, fmt.Errorf("suite %s seed %d: %w", s.Name, seed, err)
	}
	truth.Attach(sim)
	checks.attach(sim)
	faults := s.Faults(seed)
	nemesis.Schedule(sim, faults, nil)
	var script fmt.Stringer
	if s.Script != nil {
		script = s.Script(sim, seed, s.Duration-s.Settle)
	}
	sim.Run(s.Duration)
	live := liveness(sim)
	var lagging, scripted []string
	if live == "" {
		lagging = catchUp(sim)
		if f, ok := script.(finalChecker); ok && len(lagging) == 0 {
			scripted = f.Final()
		}
	}

	sum := &Summary{Suite: s.Name, Seed: seed, Faults: nemesis.Format(faults), TraceHash: sim.TraceHash(),
		VirtualTime: sim.Now(), Replay: ReplayCommand(s.Name, seed), Marks: opts.Marks}
	if script != nil {
		sum.Faults = mergeTimed(sum.Faults, script.String())
	}
	if fired := sim.FaultPointsFired(); len(fired) > 0 {
		var lines strings.Builder
		for _, f := range fired {
			lines.WriteString(f.String() + "\n")
		}
		sum.Faults = mergeTimed(sum.Faults, lines.String())
	}
	if options != "" {
		sum.Options = options
		sum.Faults = "at 0s: options: " + options + "\n" + sum.Faults
	}
	if live != "" {
		sum.Problems = append(sum.Problems, "liveness: "+live)
	}
	// Operations still in progress at the end may have taken effect: they are unknown.
	clientOps := append(sim.History(), sim.Pending()...)
	sum.Ops = len(clientOps)
	ops := truth.WithExpiry(clientOps)
	sum.History, sum.Samples = ops, sim.Samples()
	sum.Verdict = checker.Check(ops, checker.Options{Timeout: CheckTimeout})
	if sum.Verdict.TimedOut {
		sum.Notes = append(sum.Notes, fmt.Sprintf("linearizability: the search ran out of time after %v on some key "+
			"(no violation found there, none ruled out)", CheckTimeout))
	}
	if !sum.Verdict.Linearizable {
		for _, p := range sum.Verdict.Problems {
			sum.Problems = append(sum.Problems, "linearizability: "+p)
		}
	}
	sum.Monitor = mon.Violations()
	for _, v := range sum.Monitor {
		sum.Problems = append(sum.Problems, "monitor: "+v)
	}
	checks.final()
	for _, p := range checks.problems {
		sum.Problems = append(sum.Problems, "self-check: "+p)
	}
	sum.Promises, sum.PromiseStats = promises.Violations(), promises.Stats()
	for _, v := range sum.Promises {
		sum.Problems = append(sum.Problems, "promises: "+v)
	}
	if recs := sim.WatchRecords(); len(recs) > 0 && truth.Err() == nil {
		sum.Watch = checker.CheckWatches(recs, truth.Events())
		for _, p := range sum.Watch {
			sum.Problems = append(sum.Problems, "watch: "+p)
		}
	}
	if truth.Err() == nil {
		for _, p := range checker.CheckEvents(ops, truth.Events()) {
			sum.Problems = append(sum.Problems, "events: "+p)
		}
	}
	for _, p := range checkExpiryClocks(ops, opts.LeaderClocks) {
		sum.Problems = append(sum.Problems, "expiry: "+p)
	}
	sum.Lost = lostWrites(sim, ops)
	for _, p := range sum.Lost {
		sum.Problems = append(sum.Problems, "durability: "+p)
	}
	for _, f := range sim.Failures() {
		sum.Problems = append(sum.Problems, "simulator: "+f)
	}
	sum.Problems = append(sum.Problems, scripted...)
	// Members that did not catch up come last: a safety violation that explains them reads first.
	sum.Problems = append(sum.Problems, lagging...)
	sum.Passed = len(sum.Problems) == 0
	return sum, nil
}

// finalChecker is a Script that has checks to make at the end of the run, once every live member
// caught up (a confirmed membership change shows in the membership, say).
type finalChecker interface {
	Final() []string
}

// lostWrites checks that every acknowledged write is still in the most advanced live store (or was
// overwritten by a later write), as checker.Monitor.FinalState defines it.
func lostWrites(sim *netsim.Sim, ops []history.Op) []string {
	var best uint64
	var bestIndex uint64
	for _, id := range sim.Nodes() {
		info, err := sim.Info(id)
		if err == nil && info.Alive && !info.Paused && info.Status.EtcdIndex >= bestIndex && nodehost.Store(sim, id) != nil {
			best, bestIndex = id, info.Status.EtcdIndex
		}
	}
	if best == 0 {
		return nil
	}
	mon := checker.NewMonitor()
	for _, op := range ops {
		if op.Kind.Deletes() || op.HasTTL() {
			mon.DeleteAttempted(op.Key) // a key with a TTL may expire at any time after the end
		}
		if op.Outcome == history.OutcomeOK && op.Kind.IsWrite() {
			mon.AckedWrite(op.Key, op.Index)
		}
	}
	excuseRecursiveDeletes(mon, ops)
	st := nodehost.Store(sim, best)
	now, _ := sim.Clock(best)
	mon.FinalState(func(key string) (string, uint64, bool) {
		ev, err := st.Get(key, false, false, now)
		if err == nil && ev != nil && ev.Node != nil && ev.Node.Dir {
			return "", ev.Node.ModifiedIndex, true
		}
		if err != nil || ev == nil || ev.Node == nil || ev.Node.Value == nil {
			return "", 0, false
		}
		return *ev.Node.Value, ev.Node.ModifiedIndex, true
	})
	return mon.Violations()
}

// LivenessTimeout is how long the cluster gets, after the faults are over, to accept one more write.
const LivenessTimeout = 20 * second

// liveness checks that the repaired cluster accepts a write; it describes the failure, or is empty.
// A client retries (as a fresh operation) until one write succeeds or the time is up.
func liveness(sim *netsim.Sim) string {
	deadline := sim.Now() + LivenessTimeout
	last := "no attempt"
	for sim.Now() < deadline {
		call, err := sim.Do(netsim.Request{Kind: netsim.ReqSet, Key: "/raftlab/liveness", Value: "ok"}, netsim.DoOptions{})
		if err != nil {
			return err.Error()
		}
		sim.RunUntil(call.Done, deadline)
		if !call.Done() {
			last = "no answer"
			break
		}
		if call.Op().Outcome == history.OutcomeOK {
			return ""
		}
		last = fmt.Sprint(call.Reply().Err)
		sim.RunFor(100 * ms) // a failed attempt may come back at once (no leader yet)
	}
	return fmt.Sprintf("no write succeeded within %v after the faults (last attempt: %s)", time.Duration(LivenessTimeout), last)
}
