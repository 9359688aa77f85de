package nemesis

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/raftlab/raftlab/netsim"
	"time"
)

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
