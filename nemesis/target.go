package nemesis

import (
	"math/rand/v2"
	"time"
)

// Target is what faults act on: the simulator (Sim), or real processes (scenarios/run's real
// driver). Each Fault's Apply is written once against it, so a fault means the same thing on both.
// A target that cannot perform an action returns an error wrapping errors.ErrUnsupported, which the
// story executor reports as skipped.
type Target interface {
	// Nodes are every started node's ID, in order.
	Nodes() []uint64
	// NodeID is the ID of the node called name.
	NodeID(name string) (uint64, error)
	// Name is node id's name.
	Name(id uint64) string
	// Leader is the live leader (0 when none) and its term.
	Leader() (id, term uint64)
	// NodeState is what faults need to know of node id.
	NodeState(id uint64) (NodeState, error)
	// Rand is the source of the faults' random choices (random-halves, bridge, random nodes).
	Rand() *rand.Rand
	// Note records a line in the run's trace.
	Note(text string)

	// Partition cuts every link between nodes of different groups (both ways).
	Partition(groups [][]uint64) error
	// Isolate cuts every link to and from node id.
	Isolate(id uint64) error
	// Cut cuts the link from → to (one way).
	Cut(from, to uint64) error
	// Heal repairs every cut link.
	Heal() error
	// SetLatency makes every link's latency uniform in [min, max).
	SetLatency(min, max time.Duration) error
	// SetLinkFault sets the probability (0..1) of one per-message link fault on every link.
	SetLinkFault(kind LinkFaultKind, p float64) error
	// ResetLinks puts every link back to the run's initial configuration (cuts stay).
	ResetLinks() error

	// Crash crashes node id (kill -9 for a process); Restart restarts it from its disk.
	Crash(id uint64) error
	Restart(id uint64) error
	// Pause freezes node id; Resume unfreezes it.
	Pause(id uint64) error
	Resume(id uint64) error
	// Disk injects (or, with DiskOK, clears) a disk fault on node id.
	Disk(id uint64, kind DiskFaultKind) error
	// StepClock steps node id's clock by offset; SetClockDrift sets its drift.
	StepClock(id uint64, offset time.Duration) error
	SetClockDrift(id uint64, ppm int64) error
	// AddMember starts a node called name and adds it to the cluster; RemoveMember removes node id.
	AddMember(name string) error
	RemoveMember(id uint64) error
}

// NodeState is what a fault needs to know of a node.
type NodeState struct {
	// Alive is false for a crashed node; Paused is true for a frozen one.
	Alive, Paused bool
	// Leader says the node's own role is leader.
	Leader bool
	// Failed says a storage failure stopped the node (it must be restarted).
	Failed bool
}
