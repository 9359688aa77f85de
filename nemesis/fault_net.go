package nemesis

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
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
func (f Partition) Apply(t Target) error {
	groups := make([][]uint64, len(f.Groups))
	for i, g := range f.Groups {
		for _, name := range g {
			id, err := t.NodeID(name)
			if err != nil {
				return fmt.Errorf("nemesis: %s: %w", f, err)
			}
			groups[i] = append(groups[i], id)
		}
	}
	return t.Partition(groups)
}

// RandomHalves cuts a random minority (half the nodes, rounded down) off from the rest.
type RandomHalves struct{}

// String renders "partition random-halves".
func (RandomHalves) String() string { return "partition random-halves" }

// Apply cuts the links.
func (RandomHalves) Apply(t Target) error {
	nodes := shuffled(t)
	half := len(nodes) / 2
	return t.Partition([][]uint64{nodes[:half], nodes[half:]})
}

func shuffled(t Target) []uint64 {
	nodes := t.Nodes()
	t.Rand().Shuffle(len(nodes), func(i, j int) { nodes[i], nodes[j] = nodes[j], nodes[i] })
	return nodes
}

// Isolate cuts every link to and from one node.
type Isolate struct{ Node NodeRef }

// String renders "isolate n3".
func (f Isolate) String() string { return "isolate " + string(f.Node) }

// Apply cuts the links.
func (f Isolate) Apply(t Target) error {
	id, err := f.Node.resolve(t)
	if err != nil {
		return fmt.Errorf("nemesis: %s: %w", f, err)
	}
	return t.Isolate(id)
}

// Bridge splits the nodes into two halves that cannot talk to each other, except through one node
// in the middle that talks to both (Jepsen's bridge).
type Bridge struct{}

// String renders "bridge".
func (Bridge) String() string { return "bridge" }

// Apply cuts the links.
func (Bridge) Apply(t Target) error {
	nodes := shuffled(t)
	if len(nodes) < 3 {
		return fmt.Errorf("nemesis: bridge needs 3 nodes, have %d", len(nodes))
	}
	mid := len(nodes) / 2
	left, right := nodes[:mid], nodes[mid+1:]
	for _, a := range left {
		for _, b := range right {
			if err := errors.Join(t.Cut(a, b), t.Cut(b, a)); err != nil {
				return err
			}
		}
	}
	t.Note(fmt.Sprintf("bridge through %s", t.Name(nodes[mid])))
	return nil
}

// CutLink cuts one direction of one link.
type CutLink struct{ From, To string }

// String renders "cut n1->n2".
func (f CutLink) String() string { return "cut " + f.From + "->" + f.To }

// Apply cuts the link.
func (f CutLink) Apply(t Target) error {
	a, err := t.NodeID(f.From)
	if err != nil {
		return fmt.Errorf("nemesis: %s: %w", f, err)
	}
	b, err := t.NodeID(f.To)
	if err != nil {
		return fmt.Errorf("nemesis: %s: %w", f, err)
	}
	return t.Cut(a, b)
}

// Heal repairs every cut link.
type Heal struct{}

// String renders "heal".
func (Heal) String() string { return "heal" }

// Apply repairs the links.
func (Heal) Apply(t Target) error { return t.Heal() }

// Delay makes every link's latency uniform in [Min, Max).
type Delay struct{ Min, Max time.Duration }

// String renders "delay 50ms..200ms".
func (f Delay) String() string { return "delay " + f.Min.String() + ".." + f.Max.String() }

// Apply changes every link's latency.
func (f Delay) Apply(t Target) error {
	if f.Min < 0 || f.Max < f.Min {
		return fmt.Errorf("nemesis: %s: bad range", f)
	}
	return t.SetLatency(f.Min, f.Max)
}

// LinkFaultKind is which per-message probability a LinkFault sets.
type LinkFaultKind string

// The per-message link faults.
const (
	Loss      LinkFaultKind = "loss"
	Duplicate LinkFaultKind = "duplicate"
	Reorder   LinkFaultKind = "reorder"
)

// LinkFault sets the loss, duplication or reordering probability of every link, in percent.
type LinkFault struct {
	Kind    LinkFaultKind
	Percent float64
}

// String renders "loss 10%".
func (f LinkFault) String() string {
	return string(f.Kind) + " " + strconv.FormatFloat(f.Percent, 'g', -1, 64) + "%"
}

// Apply changes every link's probability of the fault.
func (f LinkFault) Apply(t Target) error {
	if f.Percent < 0 || f.Percent > 100 {
		return fmt.Errorf("nemesis: %s: percent outside [0,100]", f)
	}
	return t.SetLinkFault(f.Kind, f.Percent/100)
}

// NetReset puts every link back to the run's initial configuration (cuts stay: see Heal).
type NetReset struct{}

// String renders "net reset".
func (NetReset) String() string { return "net reset" }

// Apply resets the links.
func (NetReset) Apply(t Target) error { return t.ResetLinks() }
