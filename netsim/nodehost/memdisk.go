package nodehost

import (
	"fmt"
	"syscall"

	"github.com/raftlab/raftlab/core/raft"
	"github.com/raftlab/raftlab/netsim"
)

// memDisk is DiskMemory: a node's durable state as two layers, what is synced and the batches
// written since the last sync. Crash drops the second layer.
type memDisk struct {
	synced   netsim.Durable
	hasData  bool
	unsynced []netsim.PersistBatch
	failSync error
	capacity int64 // entries; negative = unbounded
	used     int64
	failed   error
}

func newMemDisk() *memDisk { return &memDisk{capacity: -1} }

// Save buffers the batch.
func (d *memDisk) Save(b *netsim.PersistBatch) error {
	if d.failed != nil {
		return d.failed
	}
	n := int64(len(b.Entries))
	if d.capacity >= 0 && d.used+n > d.capacity {
		d.failed = fmt.Errorf("nodehost: memory disk full: %w", syscall.ENOSPC)
		return d.failed
	}
	d.used += n
	d.unsynced = append(d.unsynced, *b)
	return nil
}

// Sync applies every buffered batch to the synced layer.
func (d *memDisk) Sync() error {
	if d.failed != nil {
		return d.failed
	}
	if d.failSync != nil {
		d.failed = d.failSync
		return d.failed
	}
	for _, b := range d.unsynced {
		d.apply(b)
	}
	d.unsynced = nil
	return nil
}

// apply folds one batch into the synced state with the WAL's semantics: a snapshot replaces the
// prefix it covers, appended entries truncate any conflicting suffix, the last hard state wins.
func (d *memDisk) apply(b netsim.PersistBatch) {
	d.hasData = true
	s := &d.synced
	if !b.Snapshot.IsEmpty() && b.Snapshot.Metadata.Index > s.Snapshot.Metadata.Index {
		s.Snapshot = b.Snapshot
		keep := 0
		for keep < len(s.Entries) && s.Entries[keep].Index <= b.Snapshot.Metadata.Index {
			keep++
		}
		s.Entries = append([]raft.Entry(nil), s.Entries[keep:]...)
	}
	if len(b.Entries) > 0 {
		// Entries are contiguous: cut the suffix the batch overwrites, then append.
		first := b.Entries[0].Index
		if len(s.Entries) > 0 {
			switch start := s.Entries[0].Index; {
			case first <= start:
				s.Entries = s.Entries[:0]
			case first-start < uint64(len(s.Entries)):
				s.Entries = s.Entries[:first-start]
			}
		}
		s.Entries = append(s.Entries, b.Entries...)
	}
	if !b.HardState.IsEmpty() {
		s.HardState = b.HardState
	}
}

// Crash drops the unsynced batches; a failed disk comes back healthy (the fault stays injected).
func (d *memDisk) Crash() {
	d.unsynced = nil
	d.failed = nil
	d.used = int64(len(d.synced.Entries))
}

// Recover returns the synced state, nil if nothing was ever synced.
func (d *memDisk) Recover() (*netsim.Durable, error) {
	if !d.hasData {
		return nil, nil
	}
	out := netsim.Durable{HardState: d.synced.HardState, Snapshot: d.synced.Snapshot,
		Entries: append([]raft.Entry(nil), d.synced.Entries...)}
	return &out, nil
}

// Faulty reports whether an injected fsync failure or capacity bound is in force.
func (d *memDisk) Faulty() bool { return d.failSync != nil || d.capacity >= 0 }

// FailSync makes later syncs fail with err (nil clears).
func (d *memDisk) FailSync(err error) { d.failSync = err }

// SetCapacity bounds the disk, here counted in entries (negative = unbounded).
func (d *memDisk) SetCapacity(n int64) {
	d.capacity = n
	if n < 0 {
		d.failed = nil
	}
}
