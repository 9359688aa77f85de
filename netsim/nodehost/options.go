package nodehost

import (
	"github.com/raftlab/raftlab/core/mark"
	"github.com/raftlab/raftlab/core/node"
	"github.com/raftlab/raftlab/netsim"
)

// DiskKind chooses the storage under each simulated node.
type DiskKind uint8

const (
	// DiskWAL writes every batch with core/wal onto a core/wal/memfs file system (the default).
	DiskWAL DiskKind = iota
	// DiskMemory keeps batches in memory with the same synced/unsynced split, without the WAL's
	// encoding; it is faster and isolates the node from WAL bugs.
	DiskMemory
)

// Options tune the real nodes of a simulated cluster. Zero values get core/node's defaults.
type Options struct {
	// ClusterID of the cluster (default 0x1000).
	ClusterID uint64
	// ElectionTicks and HeartbeatTicks in ticks of netsim's TickInterval.
	ElectionTicks, HeartbeatTicks int
	// RequestTimeoutTicks bounds how long a node waits for a proposal before answering ErrTimeout.
	RequestTimeoutTicks int
	// MaxSizePerMsg bounds the entry bytes of one append (0 = node's default of 1 MiB; 1 = one entry
	// per message, which lets faults separate an old-term entry from the new leader's no-op, as in
	// Raft's Figure 8). MaxInflightMsgs bounds the pipelined appends per follower.
	MaxSizePerMsg   uint64
	MaxInflightMsgs int
	// SnapshotCount and SnapshotCatchUpEntries control log compaction.
	SnapshotCount, SnapshotCatchUpEntries uint64
	// DisablePreVote and DisableCheckQuorum switch the Raft protections off (stories reproduce the
	// slides with check-quorum off).
	DisablePreVote, DisableCheckQuorum bool
	// Bugs are deliberate protocol bugs to prove the lab sees them.
	Bugs node.Bugs
	// Disk chooses the storage (default DiskWAL).
	Disk DiskKind
	// TornWrites makes a crash keep part of the unsynced writes (WAL disk only): a random prefix of
	// them, or a random subset of their 512-byte sectors, drawn crash by crash.
	TornWrites bool
	// SegmentSize of WAL segments (default 32 KiB: small, so that runs cut segments often).
	SegmentSize int64
	// WALRoom, when positive, makes the WAL keep room in the last segment as on a real disk: zeros
	// written ahead of its records in steps of WALRoom bytes, which its records overwrite (see
	// core/wal's room). Zero (the default) keeps the simulated WAL appending, without room.
	WALRoom int64
	// Marks, when set, counts the rare paths every node and WAL of the run takes (one set per run).
	Marks *mark.Set
	// LeaderClocks, when set, records the clock readings of the nodes' ticks as leader.
	LeaderClocks *ClockLog
	// StrictReconfigCheck is node.Config's (etcd's --strict-reconfig-check).
	StrictReconfigCheck bool
}

// Configure returns cfg with NewProcess, NewDisk and DescribeEntry set to run real nodes.
func Configure(cfg netsim.Config, opts Options) netsim.Config {
	cfg.NewProcess = NewProcess(opts)
	cfg.NewDisk = NewDisk(opts)
	cfg.DescribeEntry = node.DescribeEntry
	return cfg
}
