package run

import (
	"fmt"
	"io"
	"time"

	"github.com/raftlab/raftlab/checker"
	"github.com/raftlab/raftlab/netsim"
	"github.com/raftlab/raftlab/netsim/realnode"
	"github.com/raftlab/raftlab/scenarios/internal/observe"
	"github.com/raftlab/raftlab/scenarios/story"
)

// DefaultMaxVirtual bounds a story's virtual time when Options.MaxVirtual is zero.
const DefaultMaxVirtual = 10 * time.Minute

// File parses the story at path and runs it.
func File(path string, opts Options) (*Result, error) {
	st, err := story.ParseFile(path)
	if err != nil {
		return nil, fmt.Errorf("run: %w", err)
	}
	return Run(st, opts)
}

// Run executes a parsed story. The error is for setup problems only (a statement the simulator
// cannot perform, a node name the story never declared); failed expectations are in the Result.
func Run(st *story.Story, opts Options) (*Result, error) {
	if err := validate(st); err != nil {
		return nil, err
	}
	x, err := newExecutor(st, opts)
	if err != nil {
		return nil, err
	}
	for i := range st.Stmts {
		if x.stopped {
			break
		}
		x.exec(&st.Stmts[i])
	}
	x.finish()
	return x.res, nil
}

// clientTimeout is how long a story's client waits for one attempt: two election timeouts, so an
// operation survives one election.
func clientTimeout(st *story.Story) int64 { return int64(2 * st.Election) }

// newExecutor builds the simulation the story's header describes.
func newExecutor(st *story.Story, opts Options) (*executor, error) {
	seed := st.Seed
	if opts.Seed != nil {
		seed = *opts.Seed
	}
	if st.Heartbeat <= 0 || st.Election < st.Heartbeat {
		return nil, fmt.Errorf("run: %s: the election timeout (%v) must be at least one heartbeat (%v)", st.File, st.Election, st.Heartbeat)
	}
	maxVirtual := opts.MaxVirtual
	if maxVirtual <= 0 {
		maxVirtual = DefaultMaxVirtual
	}
	out := opts.Out
	if out == nil {
		out = io.Discard
	}
	x := &executor{
		st: st, out: out, maxVirtual: int64(maxVirtual), timeout: clientTimeout(st),
		res:      &Result{Story: st, Seed: seed},
		aliases:  map[string]uint64{},
		ops:      map[string]*namedOp{},
		watches:  map[string]*watchState{},
		removed:  map[uint64]bool{},
		lastRole: map[uint64]string{},
		monitor:  checker.NewMonitor(),
		truth:    observe.NewCommitted(),
	}
	cfg := netsim.Config{
		Seed:         seed,
		Nodes:        len(st.Nodes),
		TickInterval: int64(st.Heartbeat),
		Link: netsim.LinkConfig{Latency: netsim.Latency{Min: int64(st.LatencyMin),
			Spread: int64(st.LatencyMax - st.LatencyMin)}},
		Clients:   netsim.ClientConfig{Timeout: x.timeout},
		Trace:     opts.Trace,
		Watches:   watchSpecs(st),
		Observers: []netsim.Observer{observe.MonitorObserver{M: x.monitor}, x.truth, roleObserver{x: x}},
	}
	ropts := realnode.Options{
		ElectionTicks:      int(st.Election / st.Heartbeat),
		HeartbeatTicks:     1,
		DisableCheckQuorum: !st.CheckQuorum,
		DisablePreVote:     !st.PreVote,
		Bugs:               opts.Bugs,
	}
	sim, err := netsim.New(realnode.Configure(cfg, ropts))
	if err != nil {
		return nil, fmt.Errorf("run: %s: %w", st.File, err)
	}
	x.sim = sim
	x.truth.Attach(sim)
	for i, name := range st.Nodes {
		x.names = append(x.names, name)
		x.ids = append(x.ids, uint64(i+1))
	}
	return x, nil
}
