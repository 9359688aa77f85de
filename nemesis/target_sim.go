package nemesis

import (
	"fmt"
	"math/rand/v2"
	"syscall"
	"time"

	"github.com/raftlab/raftlab/core/raft"
	"github.com/raftlab/raftlab/netsim"
)

// defaultReorderDelay is the extra delay window for reordered and duplicated messages when the run
// configured none.
const defaultReorderDelay = int64(100 * time.Millisecond)

// Sim is the simulator as a Target: every fault is an action on the simulated network, nodes,
// disks and clocks.
func Sim(sim *netsim.Sim) Target { return simTarget{sim} }

type simTarget struct{ sim *netsim.Sim }

func (t simTarget) Nodes() []uint64                    { return t.sim.Nodes() }
func (t simTarget) NodeID(name string) (uint64, error) { return t.sim.NodeID(name) }
func (t simTarget) Name(id uint64) string              { return t.sim.Name(id) }
func (t simTarget) Leader() (uint64, uint64)           { return t.sim.Leader() }
func (t simTarget) Rand() *rand.Rand                   { return t.sim.Rand() }
func (t simTarget) Note(text string)                   { t.sim.Note(text) }

func (t simTarget) NodeState(id uint64) (NodeState, error) {
	info, err := t.sim.Info(id)
	if err != nil {
		return NodeState{}, err
	}
	return NodeState{Alive: info.Alive, Paused: info.Paused, Leader: info.Status.Role == raft.RoleLeader,
		Failed: info.Status.Failed != nil}, nil
}

func (t simTarget) Partition(groups [][]uint64) error {
	t.sim.Net().Partition(groups...)
	return nil
}

func (t simTarget) Isolate(id uint64) error {
	t.sim.Net().Isolate(id)
	return nil
}

func (t simTarget) Cut(from, to uint64) error {
	t.sim.Net().Cut(netsim.Link{From: from, To: to})
	return nil
}

func (t simTarget) Heal() error {
	t.sim.Net().Heal()
	return nil
}

func (t simTarget) SetLatency(min, max time.Duration) error {
	c := t.sim.Net().Defaults()
	c.Latency = netsim.Latency{Min: int64(min), Spread: int64(max - min)}
	return t.sim.Net().SetDefaults(c)
}

func (t simTarget) SetLinkFault(kind LinkFaultKind, p float64) error {
	c := t.sim.Net().Defaults()
	switch kind {
	case Loss:
		c.Loss = p
	case Duplicate:
		c.Duplicate = p
	case Reorder:
		c.Reorder = p
	default:
		return fmt.Errorf("nemesis: unknown link fault %q", kind)
	}
	if (c.Duplicate > 0 || c.Reorder > 0) && c.ReorderDelay == 0 {
		c.ReorderDelay = defaultReorderDelay
	}
	return t.sim.Net().SetDefaults(c)
}

func (t simTarget) ResetLinks() error {
	t.sim.Net().ClearLinks()
	return t.sim.Net().SetDefaults(t.sim.Config().Link)
}

func (t simTarget) Crash(id uint64) error   { return t.sim.Crash(id) }
func (t simTarget) Restart(id uint64) error { return t.sim.Restart(id) }
func (t simTarget) Pause(id uint64) error   { return t.sim.Pause(id) }
func (t simTarget) Resume(id uint64) error  { return t.sim.Resume(id) }

func (t simTarget) Disk(id uint64, kind DiskFaultKind) error {
	d, err := t.sim.Disk(id)
	if err != nil {
		return err
	}
	df, ok := d.(netsim.DiskFaults)
	if !ok {
		return fmt.Errorf("the disk of %s cannot inject faults", t.sim.Name(id))
	}
	switch kind {
	case DiskFailSync:
		df.FailSync(fmt.Errorf("nemesis: injected fsync failure: %w", syscall.EIO))
	case DiskFull:
		df.SetCapacity(0)
	case DiskOK:
		df.FailSync(nil)
		df.SetCapacity(-1)
	default:
		return fmt.Errorf("nemesis: unknown disk fault %q", kind)
	}
	return nil
}

func (t simTarget) StepClock(id uint64, offset time.Duration) error {
	info, err := t.sim.Info(id)
	if err != nil {
		return err
	}
	return t.sim.SkewClock(id, int64(offset), info.DriftPPM)
}

func (t simTarget) SetClockDrift(id uint64, ppm int64) error { return t.sim.SkewClock(id, 0, ppm) }

func (t simTarget) AddMember(name string) error {
	_, _, err := t.sim.AddMember(name)
	return err
}

func (t simTarget) RemoveMember(id uint64) error {
	_, err := t.sim.RemoveMember(id)
	return err
}
