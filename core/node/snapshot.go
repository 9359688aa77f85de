package node

import (
	"errors"
	"fmt"
	"math"

	"github.com/raftlab/raftlab/core/faultpoint"
	"github.com/raftlab/raftlab/core/mark"
	"github.com/raftlab/raftlab/core/raft"
)

// installSnapshot applies a snapshot received from the leader.
func (n *Node) installSnapshot(snap raft.Snapshot) error {
	n.cfg.Marks.Hit(mark.NodeSnapshotInstalled)
	if err := n.restoreSnapshotData(snap.Data, 0); err != nil {
		return err
	}
	n.cfg.Faults.Visit(faultpoint.NodeInstallSnapshot)
	if err := n.storage.ApplySnapshot(snap); err != nil {
		return fmt.Errorf("node: install snapshot: %w", err)
	}
	n.applied = snap.Metadata.Index
	n.snapshot = snap.Metadata.Index
	n.conf = snap.Metadata.ConfState
	n.snapshotTaken(len(snap.Data))
	if n.members.removed[n.cfg.ID] {
		n.selfRemoved = true
	}
	return nil
}

// maybeSnapshot takes a snapshot when one is due (see snapshotDue), compacts the in-memory log and
// queues the snapshot for the host to persist.
func (n *Node) maybeSnapshot() {
	if !n.snapshotDue() {
		return
	}
	if n.applied <= n.snapshot {
		n.forceSnap = false
		return
	}
	data, err := n.encodeSnapshotData()
	if err != nil {
		n.fail(err)
		return
	}
	conf := n.conf
	snap, err := n.storage.CreateSnapshot(n.applied, &conf, data)
	if err != nil {
		n.fail(fmt.Errorf("node: create snapshot: %w", err))
		return
	}
	compactTo := n.applied
	if !n.forceSnap {
		compactTo = n.catchUpStart()
	}
	if compactTo > 0 {
		// ErrCompacted: the log already starts past compactTo (a member restarted from a
		// snapshot newer than compactTo), there is nothing to compact, as etcd has it.
		if err := n.storage.Compact(compactTo); err != nil && !errors.Is(err, raft.ErrCompacted) {
			n.fail(fmt.Errorf("node: compact log: %w", err))
			return
		}
	}
	n.cfg.Marks.Hit(mark.NodeSnapshotTaken)
	n.cfg.Marks.HitIf(n.forceSnap, mark.NodeSnapshotForced)
	n.cfg.Faults.Visit(faultpoint.NodeAfterSnapshot)
	n.snapshot = n.applied
	n.forceSnap = false
	n.localSnap = &snap
	n.snapshotTaken(len(data))
}

// snapshotDue says whether to take a snapshot now: every SnapshotCount applied entries, whenever a
// member was added, and by size (see Config.SnapshotBytes): once the entries applied since the
// last snapshot hold max(SnapshotBytes, its size), and once the data shrank to less than half of
// what it held then (with SnapshotBytes of slack, so that a snapshot larger than the data it
// counts, such as one of values JSON escapes, cannot trigger the next at once).
func (n *Node) snapshotDue() bool {
	switch {
	case n.forceSnap, n.applied-n.snapshot >= n.cfg.SnapshotCount:
		return true
	case n.logBytes >= max(n.cfg.SnapshotBytes, n.snapBytes):
		return true
	}
	return n.snapData > 2*n.dataBytes()+int64(n.cfg.SnapshotBytes)
}

// dataBytes is about the memory the replicated state holds: the store's (store.DataBytes) and the
// events of the dedup table.
func (n *Node) dataBytes() int64 { return n.store.DataBytes() + int64(n.dedup.bytes) }

// snapshotTaken resets the size triggers after a snapshot of size bytes was taken or installed.
func (n *Node) snapshotTaken(size int) {
	n.logBytes = 0
	n.snapBytes = uint64(size)
	n.snapData = n.dataBytes()
}

// catchUpStart is where the log is compacted to after a snapshot: the last SnapshotCatchUpEntries
// entries are kept for slow followers, fewer if they hold more than SnapshotCatchUpBytes (the
// newest one is always kept, whatever its size).
func (n *Node) catchUpStart() uint64 {
	keep := min(n.applied, n.cfg.SnapshotCatchUpEntries)
	first, _ := n.storage.FirstIndex()
	lo := max(n.applied-keep+1, first)
	ents, err := n.storage.Entries(lo, n.applied+1, math.MaxUint64)
	if err != nil || len(ents) == 0 {
		return n.applied - keep
	}
	var size uint64
	for i := len(ents) - 1; i >= 0; i-- {
		size += uint64(len(ents[i].Data))
		if size > n.cfg.SnapshotCatchUpBytes && i < len(ents)-1 {
			return ents[i].Index
		}
	}
	return n.applied - keep
}
