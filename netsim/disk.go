package netsim

import "github.com/raftlab/raftlab/core/rng"

// Disk is a node's simulated storage. The host writes a persist batch when the node hands it out
// (Save, buffered), makes it durable after the disk latency (Sync when the batch needs it) and only
// then reports Persisted. A crash drops everything not synced.
type Disk interface {
	// Save writes the batch (entries, hard state, snapshot) without fsync.
	Save(b *PersistBatch) error
	// Sync makes every earlier Save durable.
	Sync() error
	// Crash drops all unsynced writes and forgets open handles; Recover must be called next.
	Crash()
	// Recover reopens the disk after a crash or at start: nil Durable means a node never persisted.
	Recover() (*Durable, error)
}

// DiskFaults is implemented by disks that can inject faults.
type DiskFaults interface {
	// FailSync makes every later fsync fail with err (nil clears the fault).
	FailSync(err error)
	// SetCapacity bounds the disk to bytes (negative = unbounded); writes beyond fail with ENOSPC.
	SetCapacity(bytes int64)
}

// DiskFactory builds the disk of one node. It is called once per node: the disk outlives crashes.
// rng is the disk's own seeded generator (for example to choose how much of a torn write survives).
type DiskFactory func(id uint64, name string, rng *rng.Rand) (Disk, error)
