package netsim

import (
	"fmt"

	"github.com/raftlab/raftlab/core/raft"
	"github.com/raftlab/raftlab/core/rng"
)

// Dist is the shape of a latency's random spread above its minimum.
type Dist uint8

const (
	// DistUniform spreads latency uniformly over [Min, Min+Spread).
	DistUniform Dist = iota
	// DistExponential adds an exponential variate with mean Spread to Min.
	DistExponential
)

// Latency is a random delay: Min plus a spread drawn from Dist.
type Latency struct {
	Min    int64
	Spread int64
	Dist   Dist
}

// draw returns one delay from rng.
func (l Latency) draw(rng *rng.Rand) int64 {
	if l.Spread <= 0 {
		return l.Min
	}
	switch l.Dist {
	case DistExponential:
		return l.Min + int64(rng.ExpFloat64()*float64(l.Spread))
	default:
		return l.Min + rng.Int64N(l.Spread)
	}
}

// String renders the latency as "min+spread(dist)".
func (l Latency) String() string {
	d := "uniform"
	if l.Dist == DistExponential {
		d = "exp"
	}
	return fmt.Sprintf("%dns+%dns(%s)", l.Min, l.Spread, d)
}

// LinkConfig is the behaviour of one directed link.
type LinkConfig struct {
	Latency Latency
	// Loss, Duplicate and Reorder are probabilities in [0, 1] per message.
	Loss      float64
	Duplicate float64
	Reorder   float64
	// ReorderDelay is the largest extra delay a reordered (or duplicated) message gets; the extra
	// delay is uniform in [0, ReorderDelay). Messages not reordered keep FIFO order per link, like TCP.
	ReorderDelay int64
}

// Validate reports a clear error for impossible settings.
func (c LinkConfig) Validate() error {
	probabilities := []struct {
		name string
		p    float64
	}{{"loss", c.Loss}, {"duplicate", c.Duplicate}, {"reorder", c.Reorder}}
	for _, pr := range probabilities {
		if pr.p < 0 || pr.p > 1 || pr.p != pr.p {
			return fmt.Errorf("netsim: link %s probability %v outside [0,1]", pr.name, pr.p)
		}
	}
	if c.Latency.Min < 0 || c.Latency.Spread < 0 || c.ReorderDelay < 0 {
		return fmt.Errorf("netsim: negative link delay in %+v", c)
	}
	return nil
}

// Link is a directed link between two nodes.
type Link struct{ From, To uint64 }

// NetStats counts what the network did to messages.
type NetStats struct {
	Sent        uint64
	Delivered   uint64
	Lost        uint64 // dropped by the loss probability
	Cut         uint64 // dropped because the link was cut (at send or delivery time)
	Undelivered uint64 // the receiver was down
	Duplicated  uint64
	Reordered   uint64
}

// Network carries raft messages between simulated nodes over directed links.
type Network struct {
	sim      *Sim
	rng      *rng.Rand
	defaults LinkConfig
	links    map[Link]LinkConfig
	cut      map[Link]bool
	// lastDelivery is, per directed link, when its last in-order message arrives (FIFO per link). It
	// is a table indexed by the hosts' slots: a map keyed by links cost a hash per message.
	lastDelivery      [][]int64
	lastDeliveryOther map[Link]*int64
	stats             NetStats
	// boxes are recycled message holders for scheduled deliveries.
	boxes []*raft.Message
	// intercept is a script's rule for every message sent (see Intercept); held are the messages
	// it parked, releasing is set while they are sent again.
	intercept func(m *raft.Message) int64
	held      []raft.Message
	releasing bool
}

func newNetwork(sim *Sim, rng *rng.Rand, defaults LinkConfig) *Network {
	return &Network{
		sim: sim, rng: rng, defaults: defaults,
		links: make(map[Link]LinkConfig), cut: make(map[Link]bool), lastDeliveryOther: make(map[Link]*int64),
	}
}

// Defaults returns the configuration of every link without an override.
func (n *Network) Defaults() LinkConfig { return n.defaults }

// SetDefaults replaces the configuration of every link without an override.
func (n *Network) SetDefaults(c LinkConfig) error {
	if err := c.Validate(); err != nil {
		return err
	}
	n.defaults = c
	n.sim.tracef("net", "-", "defaults %s", describeLink(c))
	return nil
}

// SetLink overrides one directed link's configuration.
func (n *Network) SetLink(l Link, c LinkConfig) error {
	if err := c.Validate(); err != nil {
		return err
	}
	n.links[l] = c
	n.sim.tracef("net", "-", "link %s %s", n.linkName(l), describeLink(c))
	return nil
}

// ClearLinks removes every per-link override.
func (n *Network) ClearLinks() {
	clear(n.links)
	n.sim.tracef("net", "-", "clear-links")
}

// Config is the effective configuration of link l.
func (n *Network) Config(l Link) LinkConfig {
	if c, ok := n.links[l]; ok {
		return c
	}
	return n.defaults
}

// Stats returns the message counters.
func (n *Network) Stats() NetStats { return n.stats }

// Cut cuts one directed link: messages from l.From to l.To are dropped.
func (n *Network) Cut(l Link) {
	n.cut[l] = true
	n.sim.tracef("cut", "-", "%s", n.linkName(l))
}

// Connect repairs one directed link.
func (n *Network) Connect(l Link) {
	delete(n.cut, l)
	n.sim.tracef("connect", "-", "%s", n.linkName(l))
}

// IsCut reports whether the directed link is cut.
func (n *Network) IsCut(l Link) bool { return n.cut[l] }

// CutLinks returns the cut links sorted by (From, To).
func (n *Network) CutLinks() []Link {
	var out []Link
	for _, a := range n.sim.order {
		for _, b := range n.sim.order {
			if n.cut[Link{a, b}] {
				out = append(out, Link{a, b})
			}
		}
	}
	return out
}

// Partition cuts every link (both directions) between nodes of different groups. Nodes named in no
// group form one more group together.
func (n *Network) Partition(groups ...[]uint64) {
	group := make(map[uint64]int)
	for i, g := range groups {
		for _, id := range g {
			group[id] = i + 1
		}
	}
	for _, a := range n.sim.order {
		for _, b := range n.sim.order {
			if a != b && group[a] != group[b] {
				n.cut[Link{a, b}] = true
			}
		}
	}
	n.sim.tracef("part", "-", "%s", n.describeGroups(groups))
}

// Isolate cuts every link to and from id.
func (n *Network) Isolate(id uint64) {
	for _, o := range n.sim.order {
		if o != id {
			n.cut[Link{id, o}] = true
			n.cut[Link{o, id}] = true
		}
	}
	n.sim.tracef("isolate", n.sim.name(id), "")
}

// Heal repairs every cut link (link configurations stay).
func (n *Network) Heal() {
	clear(n.cut)
	n.sim.tracef("heal", "-", "")
}

// send puts m on the wire from its sender.
func (n *Network) send(m raft.Message) {
	n.stats.Sent++
	l := Link{m.From, m.To}
	now := n.sim.now
	if n.cut[l] {
		n.stats.Cut++
		n.sim.traceMessage(kindDrop, n.sim.traceNameOf(m.From), "cut ", &m, -1)
		return
	}
	var extra int64
	if n.intercept != nil && !n.releasing {
		if extra = n.intercept(&m); extra == HoldMessage {
			n.hold(m)
			return
		}
		if extra < 0 {
			n.stats.Cut++
			n.sim.traceMessage(kindDrop, n.sim.traceNameOf(m.From), "intercepted ", &m, -1)
			return
		}
	}
	c := n.Config(l)
	if c.Loss > 0 && n.rng.Float64() < c.Loss {
		n.stats.Lost++
		n.sim.traceMessage(kindLose, n.sim.traceNameOf(m.From), "", &m, -1)
		return
	}
	at := now + c.Latency.draw(n.rng) + extra
	if extra > 0 {
		n.stats.Reordered++ // held back by a script: later messages may overtake it
	} else if c.Reorder > 0 && n.rng.Float64() < c.Reorder {
		n.stats.Reordered++
		if c.ReorderDelay > 0 {
			at += n.rng.Int64N(c.ReorderDelay)
		}
	} else {
		// FIFO per link: never overtake an earlier in-order message.
		last := n.lastDeliveryOf(l)
		*last = max(*last, at)
		at = *last
	}
	n.sim.traceMessage(kindSend, n.sim.traceNameOf(m.From), "", &m, at)
	n.schedule(at, m)
	if c.Duplicate > 0 && n.rng.Float64() < c.Duplicate {
		n.stats.Duplicated++
		dup := at + c.Latency.draw(n.rng)
		if c.ReorderDelay > 0 {
			dup += n.rng.Int64N(c.ReorderDelay)
		}
		n.sim.traceMessage(kindDup, n.sim.traceNameOf(m.From), "", &m, dup)
		n.schedule(dup, m)
	}
}

// lastDeliveryOf is the cell of lastDelivery for link l, grown as hosts are added. A link to or
// from an ID without a host (a member added to the configuration before its node starts) has its
// cell in lastDeliveryOther.
func (n *Network) lastDeliveryOf(l Link) *int64 {
	fromHost, toHost := n.sim.hostByID(l.From), n.sim.hostByID(l.To)
	if fromHost == nil || toHost == nil {
		cell := n.lastDeliveryOther[l]
		if cell == nil {
			cell = new(int64)
			n.lastDeliveryOther[l] = cell
		}
		return cell
	}
	from, to := fromHost.slot, toHost.slot
	if from >= len(n.lastDelivery) {
		n.lastDelivery = append(n.lastDelivery, make([][]int64, from+1-len(n.lastDelivery))...)
	}
	row := n.lastDelivery[from]
	if to >= len(row) {
		row = append(row, make([]int64, to+1-len(row))...)
		n.lastDelivery[from] = row
	}
	if cell, ok := n.lastDeliveryOther[l]; ok { // the link from before its host existed
		row[to] = max(row[to], *cell)
		delete(n.lastDeliveryOther, l)
	}
	return &row[to]
}

func (n *Network) schedule(at int64, m raft.Message) {
	var box *raft.Message
	if k := len(n.boxes); k > 0 {
		box = n.boxes[k-1]
		n.boxes = n.boxes[:k-1]
	} else {
		box = new(raft.Message)
	}
	*box = m
	n.sim.scheduleDelivery(at, box)
}

// deliverBoxed delivers a scheduled message from its box and then recycles the box (what the
// delivery sends meanwhile goes in other boxes).
func (n *Network) deliverBoxed(box *raft.Message) {
	n.deliver(box)
	box.DropReferences()
	n.boxes = append(n.boxes, box)
}

func (n *Network) deliver(m *raft.Message) {
	if n.cut[Link{m.From, m.To}] {
		n.stats.Cut++
		n.sim.traceMessage(kindDrop, n.sim.traceNameOf(m.To), "cut-in-flight ", m, -1)
		return
	}
	h := n.sim.hostByID(m.To)
	if h == nil || !h.alive {
		n.stats.Undelivered++
		n.sim.traceMessage(kindDrop, n.sim.traceNameOf(m.To), "down ", m, -1)
		return
	}
	n.stats.Delivered++
	h.recv(m)
}

func (n *Network) linkName(l Link) string {
	return n.sim.name(l.From) + "->" + n.sim.name(l.To)
}

func (n *Network) describeGroups(groups [][]uint64) string {
	out := ""
	for i, g := range groups {
		if i > 0 {
			out += " "
		}
		out += "{"
		for j, id := range g {
			if j > 0 {
				out += ","
			}
			out += n.sim.name(id)
		}
		out += "}"
	}
	return out
}

func describeLink(c LinkConfig) string {
	return fmt.Sprintf("latency=%s loss=%g dup=%g reorder=%g reorder-delay=%d",
		c.Latency, c.Loss, c.Duplicate, c.Reorder, c.ReorderDelay)
}
