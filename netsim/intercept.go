package netsim

import "github.com/raftlab/raftlab/core/raft"

// DropMessage and HoldMessage are what an intercept rule returns to lose a message, or to park it
// until ReleaseHeld.
const (
	DropMessage int64 = -1
	HoldMessage int64 = -2
)

// Intercept sets a script's rule that sees every message as it is sent (before loss and latency):
// it returns DropMessage to lose it, HoldMessage to park it until ReleaseHeld, an extra delay in
// ns to hold it back (later messages on its link may then overtake it), or 0 to let it pass. Scripts use it to open a narrow window on
// purpose: drop a new leader's first appends but not its heartbeats, hold a stale leader's append
// until after an election. nil removes the rule. The rule must not keep m.
func (n *Network) Intercept(rule func(m *raft.Message) int64) {
	had := n.intercept != nil
	n.intercept = rule
	if rule == nil {
		if had {
			n.sim.tracef("net", "-", "intercept off")
		}
		return
	}
	n.sim.tracef("net", "-", "intercept on")
}

// hold parks m until ReleaseHeld.
func (n *Network) hold(m raft.Message) {
	n.held = append(n.held, m)
	n.sim.traceMessage(kindDrop, n.sim.traceNameOf(m.From), "held ", &m, -1)
}

// ReleaseHeld sends every message an intercept rule parked, in the order they were sent, as if sent
// now (the rule does not see them again). It returns how many there were.
func (n *Network) ReleaseHeld() int {
	held := n.held
	n.held = nil
	n.releasing = true
	for _, m := range held {
		n.send(m)
	}
	n.releasing = false
	if len(held) > 0 {
		n.sim.tracef("net", "-", "released %d held messages", len(held))
	}
	return len(held)
}
