package run

import (
	"fmt"

	"github.com/raftlab/raftlab/core/raft"
	"github.com/raftlab/raftlab/netsim"
)

// roleObserver narrates elections, step-downs, crashes and restarts as they happen.
type roleObserver struct {
	netsim.NopObserver
	x *executor
}

// OnRole narrates a node becoming leader, or a leader stepping down.
func (o roleObserver) OnRole(node, term uint64, role raft.Role, _ int64) {
	x := o.x
	if x.sim == nil {
		return
	}
	prev := x.lastRole[node]
	now := role.String()
	x.lastRole[node] = now
	switch {
	case role == raft.RoleLeader:
		x.event(fmt.Sprintf("%s becomes leader in term %d", x.name(node), term))
	case prev == "leader":
		x.event(fmt.Sprintf("%s steps down to %s in term %d", x.name(node), now, term))
	}
}

// OnCrash forgets the crashed node's role.
func (o roleObserver) OnCrash(node uint64, _ int64) { delete(o.x.lastRole, node) }
