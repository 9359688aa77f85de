package suite

import (
	"fmt"
	"time"

	"github.com/raftlab/raftlab/core/raft"
	"github.com/raftlab/raftlab/netsim"
	"github.com/raftlab/raftlab/netsim/nodehost"
)

// selfCheckEvery is the least virtual time between two self-checks of one member.
const selfCheckEvery = 50 * ms

// selfChecks runs every member's own consistency checks (node.Verify: the store's structures, the
// configuration it records, its member table) while the run goes: whenever a member applies,
// commits or changes role, at most once per member every selfCheckEvery, and once more on every
// live member at the end (final). A disagreement inside one member is a bug even while the
// cluster's answers still look right: a TTL queue that lost a key expires it late, a stale
// configuration only bites after a restart from the snapshot that recorded it. Only the first
// problem of each member is kept.
type selfChecks struct {
	netsim.NopObserver
	sim      *netsim.Sim
	last     map[uint64]int64
	failed   map[uint64]bool
	problems []string
}

func newSelfChecks() *selfChecks {
	return &selfChecks{last: map[uint64]int64{}, failed: map[uint64]bool{}}
}

// attach gives the checks the simulation whose members they check.
func (c *selfChecks) attach(sim *netsim.Sim) { c.sim = sim }

// OnApply checks node (throttled).
func (c *selfChecks) OnApply(node, _, _, _ uint64, at int64) { c.maybeCheck(node, at) }

// OnCommit checks node (throttled).
func (c *selfChecks) OnCommit(node, _ uint64, at int64) { c.maybeCheck(node, at) }

// OnRole checks node (throttled); a restarted member's first status comes this way.
func (c *selfChecks) OnRole(node, _ uint64, _ raft.Role, at int64) { c.maybeCheck(node, at) }

// OnRestart makes the member's next observation check it at once.
func (c *selfChecks) OnRestart(node uint64, _ int64) { delete(c.last, node) }

func (c *selfChecks) maybeCheck(id uint64, at int64) {
	if last, ok := c.last[id]; ok && at-last < selfCheckEvery {
		return
	}
	c.last[id] = at
	c.check(id, at)
}

func (c *selfChecks) check(id uint64, at int64) {
	if c.sim == nil || c.failed[id] {
		return
	}
	n := nodehost.Node(c.sim, id)
	if n == nil {
		return
	}
	if err := n.Verify(); err != nil {
		c.failed[id] = true
		c.problems = append(c.problems, fmt.Sprintf("at %v: member %s: %v", time.Duration(at), c.sim.Name(id), err))
	}
}

// final checks every live member once more.
func (c *selfChecks) final() {
	for _, id := range c.sim.Nodes() {
		c.check(id, c.sim.Now())
	}
}
