package observe

import (
	"github.com/raftlab/raftlab/checker"
	"github.com/raftlab/raftlab/core/raft"
	"github.com/raftlab/raftlab/netsim"
)

// MonitorObserver feeds a checker.Monitor from the simulator's observer notifications.
type MonitorObserver struct {
	netsim.NopObserver
	// M receives every observation.
	M *checker.Monitor
}

// OnRole reports a role or term change.
func (o MonitorObserver) OnRole(node, term uint64, role raft.Role, at int64) {
	o.M.ObserveRole(node, term, role == raft.RoleLeader, at)
}

// OnCommit reports a commit index change.
func (o MonitorObserver) OnCommit(node, commit uint64, at int64) { o.M.ObserveCommit(node, commit, at) }

// OnApply reports an applied entry.
func (o MonitorObserver) OnApply(node, index, term, hash uint64, at int64) {
	o.M.ObserveApply(node, index, term, hash, at)
}

// OnLog reports a node's whole log.
func (o MonitorObserver) OnLog(node uint64, entries []raft.Entry, commit uint64, at int64) {
	o.M.ObserveLog(node, entries, commit, at)
}

// OnRestart reports a restart from disk.
func (o MonitorObserver) OnRestart(node uint64, at int64) { o.M.ObserveRestart(node, at) }
