package node

import "github.com/raftlab/raftlab/core/raft"

// LogRange returns the entries of LogEntries with indexes in [lo, hi] (nil when the log holds none
// of them), at the cost of the range rather than of the whole log.
func (n *Node) LogRange(lo, hi uint64) []raft.Entry {
	return n.raft.EntriesBetween(lo, hi)
}
