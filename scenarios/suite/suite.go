package suite

import (
	"fmt"
	"io"
	"sort"

	"github.com/raftlab/raftlab/core/node"
	"github.com/raftlab/raftlab/nemesis"
	"github.com/raftlab/raftlab/netsim"
	"github.com/raftlab/raftlab/netsim/nodehost"
)

// Suite is one randomized chaos suite: a workload and a nemesis on a cluster, for a duration.
type Suite struct {
	Name string
	// Doc says what the suite exercises (and, for a known-bug suite, how the bug shows).
	Doc string
	// Nodes is the cluster size.
	Nodes int
	// Duration is each run's virtual time in ns; clients stop issuing operations Settle ns before
	// the end so the last writes can reach every node.
	Duration, Settle int64
	// Clients and Workload drive the key space; Workload gets the run's seed. Interval is each
	// client's mean think time (zero: netsim's default). One register with many concurrent
	// clients makes porcupine's search expensive, so register suites use few, slower clients.
	Clients  int
	Interval int64
	// ClientTimeout is how long a client waits for one attempt (zero: netsim's default of 1s).
	ClientTimeout int64
	Workload      func(seed uint64) netsim.Workload
	// Watches are the stream watchers opened at the start of every run.
	Watches []netsim.WatchSpec
	// Faults draws the fault schedule of one run from its seed.
	Faults func(seed uint64) []nemesis.Scheduled
	// Script, when set, also drives a purpose-built fault sequence on the running simulation: it
	// may watch the nodes and react (cut off a node the moment it leads), acts only before stop
	// (Duration - Settle), and returns what it did, which the report appends to the faults.
	Script func(sim *netsim.Sim, seed uint64, stop int64) fmt.Stringer
	// Node tunes the real nodes (bugs included).
	Node nodehost.Options
	// Swarm draws the protocol, disk and link options and the armed fault points of each seed
	// (DrawOptions) over Node, DiskLatency, Link's latency and FaultPoints.
	Swarm bool
	// Pin, when set, overrides the options a swarm seed drew with what the suite exists for (its
	// snapshot count, one entry per append, torn writes, ...): the seed varies everything else.
	Pin func(o *Options)
	// FaultPoints are the core fault points armed in every run; they fire only while clients run
	// (before Duration - Settle).
	FaultPoints []netsim.ArmedPoint
	// Link is every link's initial configuration; DiskLatency the disks' (zero: netsim's defaults).
	Link        netsim.LinkConfig
	DiskLatency netsim.Latency
	// Seeds is how many seeds (1..Seeds) `go test` runs; RAFTLAB_SEEDS overrides it.
	Seeds int
	// KnownBug marks a suite whose nodes carry a deliberate bug: a sweep must find a violation.
	KnownBug bool
	// Blocked, when set, says why the sweep cannot reach the bug yet (TestKnownBugs then skips the
	// must-find half and still runs the bug-free control).
	Blocked string
	// Trace, when set, receives the simulator's trace lines as the run makes them (labd replay -v).
	// It does not change the run: the trace hash is the same with or without it.
	Trace io.Writer
}

// Correct is the suite with every deliberate bug switched off (the control run of a known-bug
// suite).
func (s Suite) Correct() Suite {
	s.Node.Bugs = node.Bugs{}
	s.KnownBug = false
	s.Blocked = ""
	s.Name += "/correct"
	return s
}

// List returns every suite, correct-code suites first, each group sorted by name.
func List() []Suite {
	all := append(append(append(append(chaosSuites(), slowSuite()), narrowSuites()...), breadthSuites()...), bugSuites()...)
	sort.SliceStable(all, func(i, j int) bool {
		if all[i].KnownBug != all[j].KnownBug {
			return !all[i].KnownBug
		}
		return all[i].Name < all[j].Name
	})
	return all
}

// Lookup finds a suite by name; "NAME/correct" is the bug-free control of a known-bug suite.
func Lookup(name string) (Suite, error) {
	for _, s := range List() {
		if s.Name == name {
			return s, nil
		}
		if s.KnownBug && s.Name+"/correct" == name {
			return s.Correct(), nil
		}
	}
	return Suite{}, fmt.Errorf("suite: no suite called %q", name)
}

// RunSeed runs one seed of the named suite.
func RunSeed(name string, seed uint64) (*Summary, error) {
	s, err := Lookup(name)
	if err != nil {
		return nil, err
	}
	return s.Run(seed)
}
