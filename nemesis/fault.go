package nemesis

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/raftlab/raftlab/netsim"
)

// Fault is one fault (or repair) as a value. String gives its text form, which Parse reads back.
type Fault interface {
	String() string
	// Apply performs the fault on sim now.
	Apply(sim *netsim.Sim) error
}

// Partition cuts every link between nodes of different groups.
type Partition struct {
	Groups [][]string
}

// String renders "partition {n1,n2} {n3,n4,n5}".
func (f Partition) String() string {
	parts := make([]string, len(f.Groups))
	for i, g := range f.Groups {
		parts[i] = "{" + strings.Join(g, ",") + "}"
	}
	return "partition " + strings.Join(parts, " ")
}

// Apply cuts the links.
func (f Partition) Apply(sim *netsim.Sim) error {
	groups := make([][]uint64, len(f.Groups))
	for i, g := range f.Groups {
		for _, name := range g {
			id, err := sim.NodeID(name)
			if err != nil {
				return fmt.Errorf("nemesis: %s: %w", f, err)
			}
			groups[i] = append(groups[i], id)
		}
	}
	sim.Net().Partition(groups...)
	return nil
}

// RandomHalves cuts a random minority (half the nodes, rounded down) off from the rest.
type RandomHalves struct{}

// String renders "partition random-halves".
func (RandomHalves) String() string { return "partition random-halves" }

// Apply cuts the links.
func (RandomHalves) Apply(sim *netsim.Sim) error {
	nodes := shuffled(sim)
	half := len(nodes) / 2
	sim.Net().Partition(nodes[:half], nodes[half:])
	return nil
}

func shuffled(sim *netsim.Sim) []uint64 {
	nodes := sim.Nodes()
	sim.Rand().Shuffle(len(nodes), func(i, j int) { nodes[i], nodes[j] = nodes[j], nodes[i] })
	return nodes
}

// Isolate cuts every link to and from one node.
type Isolate struct{ Node NodeRef }

// String renders "isolate n3".
func (f Isolate) String() string { return "isolate " + string(f.Node) }

// Apply cuts the links.
func (f Isolate) Apply(sim *netsim.Sim) error {
	id, err := f.Node.resolve(sim)
	if err != nil {
		return fmt.Errorf("nemesis: %s: %w", f, err)
	}
	sim.Net().Isolate(id)
	return nil
}

// Bridge splits the nodes into two halves that cannot talk to each other, except through one node
// in the middle that talks to both (Jepsen's bridge).
type Bridge struct{}

// String renders "bridge".
func (Bridge) String() string { return "bridge" }

// Apply cuts the links.
func (Bridge) Apply(sim *netsim.Sim) error {
	nodes := shuffled(sim)
	if len(nodes) < 3 {
		return fmt.Errorf("nemesis: bridge needs 3 nodes, have %d", len(nodes))
	}
	mid := len(nodes) / 2
	left, right := nodes[:mid], nodes[mid+1:]
	for _, a := range left {
		for _, b := range right {
			sim.Net().Cut(netsim.Link{From: a, To: b})
			sim.Net().Cut(netsim.Link{From: b, To: a})
		}
	}
	sim.Note(fmt.Sprintf("bridge through %s", sim.Name(nodes[mid])))
	return nil
}

// CutLink cuts one direction of one link.
type CutLink struct{ From, To string }

// String renders "cut n1->n2".
func (f CutLink) String() string { return "cut " + f.From + "->" + f.To }

// Apply cuts the link.
func (f CutLink) Apply(sim *netsim.Sim) error {
	a, err := sim.NodeID(f.From)
	if err != nil {
		return fmt.Errorf("nemesis: %s: %w", f, err)
	}
	b, err := sim.NodeID(f.To)
	if err != nil {
		return fmt.Errorf("nemesis: %s: %w", f, err)
	}
	sim.Net().Cut(netsim.Link{From: a, To: b})
	return nil
}

// Heal repairs every cut link.
type Heal struct{}

// String renders "heal".
func (Heal) String() string { return "heal" }

// Apply repairs the links.
func (Heal) Apply(sim *netsim.Sim) error {
	sim.Net().Heal()
	return nil
}

// Crash crashes a node. Kill only changes the text form ("kill leader" reads better in stories).
type Crash struct {
	Node NodeRef
	Kill bool
}

// String renders "crash n3" or "kill leader".
func (f Crash) String() string {
	if f.Kill {
		return "kill " + string(f.Node)
	}
	return "crash " + string(f.Node)
}

// Apply crashes the node; "crash all" is a power failure of every live node at once.
func (f Crash) Apply(sim *netsim.Sim) error {
	if f.Node == RefAll {
		var errs []error
		for _, id := range sim.Nodes() {
			if info, err := sim.Info(id); err == nil && info.Alive {
				errs = append(errs, sim.Crash(id))
			}
		}
		return errors.Join(errs...)
	}
	id, err := f.Node.resolve(sim)
	if err != nil {
		return fmt.Errorf("nemesis: %s: %w", f, err)
	}
	return sim.Crash(id)
}

// Restart restarts a crashed node, or every crashed node (RefAll).
type Restart struct{ Node NodeRef }

// String renders "restart n3" or "restart all".
func (f Restart) String() string { return "restart " + string(f.Node) }

// Apply restarts the node(s).
func (f Restart) Apply(sim *netsim.Sim) error {
	if f.Node == RefAll {
		var errs []error
		for _, id := range sim.Nodes() {
			if info, err := sim.Info(id); err == nil && !info.Alive {
				errs = append(errs, sim.Restart(id))
			}
		}
		return errors.Join(errs...)
	}
	id, err := f.Node.resolve(sim)
	if err != nil {
		return fmt.Errorf("nemesis: %s: %w", f, err)
	}
	return sim.Restart(id)
}

// Pause freezes a node.
type Pause struct{ Node NodeRef }

// String renders "pause n2".
func (f Pause) String() string { return "pause " + string(f.Node) }

// Apply pauses the node.
func (f Pause) Apply(sim *netsim.Sim) error {
	id, err := f.Node.resolve(sim)
	if err != nil {
		return fmt.Errorf("nemesis: %s: %w", f, err)
	}
	return sim.Pause(id)
}

// Resume unfreezes a node, or every paused node (RefAll).
type Resume struct{ Node NodeRef }

// String renders "resume n2" or "resume all".
func (f Resume) String() string { return "resume " + string(f.Node) }

// Apply resumes the node(s).
func (f Resume) Apply(sim *netsim.Sim) error {
	if f.Node == RefAll {
		var errs []error
		for _, id := range sim.Nodes() {
			if info, err := sim.Info(id); err == nil && info.Paused {
				errs = append(errs, sim.Resume(id))
			}
		}
		return errors.Join(errs...)
	}
	id, err := f.Node.resolve(sim)
	if err != nil {
		return fmt.Errorf("nemesis: %s: %w", f, err)
	}
	return sim.Resume(id)
}

// Delay makes every link's latency uniform in [Min, Max).
type Delay struct{ Min, Max time.Duration }

// String renders "delay 50ms..200ms".
func (f Delay) String() string { return "delay " + f.Min.String() + ".." + f.Max.String() }

// Apply changes the default link configuration.
func (f Delay) Apply(sim *netsim.Sim) error {
	if f.Min < 0 || f.Max < f.Min {
		return fmt.Errorf("nemesis: %s: bad range", f)
	}
	c := sim.Net().Defaults()
	c.Latency = netsim.Latency{Min: int64(f.Min), Spread: int64(f.Max - f.Min)}
	return sim.Net().SetDefaults(c)
}

// LinkFaultKind is which per-message probability a LinkFault sets.
type LinkFaultKind string

// The per-message link faults.
const (
	Loss      LinkFaultKind = "loss"
	Duplicate LinkFaultKind = "duplicate"
	Reorder   LinkFaultKind = "reorder"
)

// defaultReorderDelay is the extra delay window for reordered and duplicated messages when the run
// configured none.
const defaultReorderDelay = int64(100 * time.Millisecond)

// LinkFault sets the loss, duplication or reordering probability of every link, in percent.
type LinkFault struct {
	Kind    LinkFaultKind
	Percent float64
}

// String renders "loss 10%".
func (f LinkFault) String() string {
	return string(f.Kind) + " " + strconv.FormatFloat(f.Percent, 'g', -1, 64) + "%"
}

// Apply changes the default link configuration.
func (f LinkFault) Apply(sim *netsim.Sim) error {
	if f.Percent < 0 || f.Percent > 100 {
		return fmt.Errorf("nemesis: %s: percent outside [0,100]", f)
	}
	c := sim.Net().Defaults()
	p := f.Percent / 100
	switch f.Kind {
	case Loss:
		c.Loss = p
	case Duplicate:
		c.Duplicate = p
	case Reorder:
		c.Reorder = p
	default:
		return fmt.Errorf("nemesis: unknown link fault %q", f.Kind)
	}
	if (c.Duplicate > 0 || c.Reorder > 0) && c.ReorderDelay == 0 {
		c.ReorderDelay = defaultReorderDelay
	}
	return sim.Net().SetDefaults(c)
}

// NetReset puts every link back to the run's initial configuration (cuts stay: see Heal).
type NetReset struct{}

// String renders "net reset".
func (NetReset) String() string { return "net reset" }

// Apply resets the links.
func (NetReset) Apply(sim *netsim.Sim) error {
	sim.Net().ClearLinks()
	return sim.Net().SetDefaults(sim.Config().Link)
}

// DiskFaultKind is which disk fault a DiskFault injects.
type DiskFaultKind string

// The disk faults.
const (
	DiskFailSync DiskFaultKind = "fail-sync"
	DiskFull     DiskFaultKind = "full"
	DiskOK       DiskFaultKind = "ok"
)

// DiskFault injects (or clears, with DiskOK) a disk fault on a node.
type DiskFault struct {
	Kind DiskFaultKind
	Node NodeRef
}

// String renders "disk fail-sync n1".
func (f DiskFault) String() string { return "disk " + string(f.Kind) + " " + string(f.Node) }

// Apply injects the fault.
func (f DiskFault) Apply(sim *netsim.Sim) error {
	ids, err := f.Node.resolveAll(sim)
	if err != nil {
		return fmt.Errorf("nemesis: %s: %w", f, err)
	}
	for _, id := range ids {
		d, err := sim.Disk(id)
		if err != nil {
			return err
		}
		df, ok := d.(netsim.DiskFaults)
		if !ok {
			return fmt.Errorf("nemesis: %s: the disk of %s cannot inject faults", f, sim.Name(id))
		}
		switch f.Kind {
		case DiskFailSync:
			df.FailSync(fmt.Errorf("nemesis: injected fsync failure: %w", syscall.EIO))
		case DiskFull:
			df.SetCapacity(0)
		case DiskOK:
			df.FailSync(nil)
			df.SetCapacity(-1)
		default:
			return fmt.Errorf("nemesis: unknown disk fault %q", f.Kind)
		}
	}
	sim.Note(f.String())
	return nil
}

// ClockSkew steps a node's clock by Offset.
type ClockSkew struct {
	Node   NodeRef
	Offset time.Duration
}

// String renders "clock-skew n2 +300ms".
func (f ClockSkew) String() string { return "clock-skew " + string(f.Node) + " " + signed(f.Offset) }

func signed(d time.Duration) string {
	if d >= 0 {
		return "+" + d.String()
	}
	return d.String()
}

// Apply steps the clock.
func (f ClockSkew) Apply(sim *netsim.Sim) error {
	id, err := f.Node.resolve(sim)
	if err != nil {
		return fmt.Errorf("nemesis: %s: %w", f, err)
	}
	info, err := sim.Info(id)
	if err != nil {
		return err
	}
	return sim.SkewClock(id, int64(f.Offset), info.DriftPPM)
}

// ClockDrift sets a node's clock drift in parts per million.
type ClockDrift struct {
	Node NodeRef
	PPM  int64
}

// String renders "clock-drift n2 +1000ppm".
func (f ClockDrift) String() string {
	sign := "+"
	if f.PPM < 0 {
		sign = ""
	}
	return "clock-drift " + string(f.Node) + " " + sign + strconv.FormatInt(f.PPM, 10) + "ppm"
}

// Apply sets the drift.
func (f ClockDrift) Apply(sim *netsim.Sim) error {
	id, err := f.Node.resolve(sim)
	if err != nil {
		return fmt.Errorf("nemesis: %s: %w", f, err)
	}
	return sim.SkewClock(id, 0, f.PPM)
}

// MemberAdd starts a new node and adds it to the cluster.
type MemberAdd struct{ Name string }

// String renders "member add n6".
func (f MemberAdd) String() string { return "member add " + f.Name }

// Apply starts the node and submits the change.
func (f MemberAdd) Apply(sim *netsim.Sim) error {
	_, _, err := sim.AddMember(f.Name)
	return err
}

// MemberRemove removes a node from the cluster.
type MemberRemove struct{ Node NodeRef }

// String renders "member remove n2".
func (f MemberRemove) String() string { return "member remove " + string(f.Node) }

// Apply submits the change.
func (f MemberRemove) Apply(sim *netsim.Sim) error {
	id, err := f.Node.resolve(sim)
	if err != nil {
		return fmt.Errorf("nemesis: %s: %w", f, err)
	}
	_, err = sim.RemoveMember(id)
	return err
}
