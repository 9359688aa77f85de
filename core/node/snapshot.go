package node

import (
	"errors"
	"fmt"
	"math"
	"slices"

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

// maybeSnapshot takes a snapshot when one is due (see snapshotDue): it freezes the replicated
// state (freezeSnapshot) and, when the host encodes snapshots (Config.HostEncodesSnapshots), hands
// the job out (Output.Encode) and goes on; otherwise, and always for a snapshot forced by an added
// member (every replica must have compacted its log at that index before it replicates anything
// more to the newcomer), it encodes it at once. Once encoded (SnapshotEncoded), the snapshot is
// kept for followers, the in-memory log compacted and the snapshot queued for the host to persist.
// At most one job is out at a time. A snapshot taken in the step supersedes it: a forced one, and
// one due once the log has grown to twice its byte bound while the job was out (the log in memory
// stays bounded however slowly the host encodes).
func (n *Node) maybeSnapshot() {
	inStep := n.forceSnap || !n.cfg.HostEncodesSnapshots
	if n.snapJob != nil && !inStep {
		if n.logBytes < 2*max(n.cfg.SnapshotBytes, n.snapBytes) {
			return
		}
		inStep = true
	}
	if !n.snapshotDue() {
		return
	}
	if n.applied <= n.snapshot {
		n.forceSnap = false
		return
	}
	job := n.freezeSnapshot()
	n.snapJob = job
	n.out.Encode = nil // a job superseded before the host took it
	if inStep {
		data, err := job.Encode()
		n.snapshotEncoded(job, data, err)
		return
	}
	n.out.Encode = job
}

// SnapshotEncoded tells the node that the host encoded the snapshot job it handed out (data is
// job.Encode's result, or err its error). A job the node no longer waits for (superseded by a
// forced snapshot, older than a snapshot installed meanwhile, or after the node stopped) is
// ignored.
func (n *Node) SnapshotEncoded(job *SnapshotJob, data []byte, err error) {
	if job == nil || job != n.snapJob || n.stopped() {
		return
	}
	n.snapshotEncoded(job, data, err)
	// Another may be due already: entries applied while this one was encoded, or data deleted.
	n.maybeSnapshot()
	n.process()
}

// snapshotEncoded keeps the encoded snapshot of job for followers, compacts the in-memory log and
// queues the snapshot to persist.
func (n *Node) snapshotEncoded(job *SnapshotJob, data []byte, err error) {
	n.snapJob = nil
	if err != nil {
		n.fail(err)
		return
	}
	if job.forced {
		n.forceSnap = false
	}
	if job.index <= n.snapshot {
		return // a newer snapshot was installed while the job was out
	}
	snap, err := n.storage.CreateSnapshot(job.index, &job.conf, data)
	if err != nil {
		n.fail(fmt.Errorf("node: create snapshot: %w", err))
		return
	}

	compactTo := job.index
	if !job.forced {
		compactTo = n.catchUpStart(job.index)
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
	n.cfg.Marks.HitIf(job.forced, mark.NodeSnapshotForced)
	n.cfg.Faults.Visit(faultpoint.NodeAfterSnapshot)
	n.snapshot = job.index
	n.snapshotSinceStart = true
	n.localSnap = &snap
	// What was applied after the state was frozen still counts towards the next snapshot.
	n.logBytes -= min(n.logBytes, job.logBytes)
	n.snapBytes = uint64(len(data))
	n.snapData = job.dataBytes
}

// snapshotDue says whether to take a snapshot now: every SnapshotCount applied entries, whenever a
// member was added, and by size (see Config.SnapshotBytes): once the entries applied since the
// last snapshot hold max(SnapshotBytes, its size), and once the data shrank to less than half of
// what it held then (with SnapshotBytes of slack, so that a snapshot larger than the data it
// counts, such as one of values JSON escapes, cannot trigger the next at once).
func (n *Node) snapshotDue() bool {
	bytes := max(n.cfg.SnapshotBytes, n.snapBytes)
	switch {
	case n.forceSnap, n.applied-n.snapshot >= n.staggered(n.cfg.SnapshotCount):
		return true
	case n.logBytes >= n.staggered(bytes):
		return true
	}
	return n.snapData > 2*n.dataBytes()+int64(n.cfg.SnapshotBytes)
}

// staggered is bound, lengthened by this member's share of the stagger before its first snapshot
// since it started (Config.SnapshotStagger).
func (n *Node) staggered(bound uint64) uint64 {
	voters := len(n.conf.Voters)
	if !n.cfg.SnapshotStagger || n.snapshotSinceStart || voters < 2 || !slices.Contains(n.conf.Voters, n.cfg.ID) {
		return bound
	}
	rank := 0
	for _, id := range n.conf.Voters {
		if id < n.cfg.ID {
			rank++
		}
	}
	return bound + bound/uint64(voters)*uint64(rank)
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

// catchUpStart is where the log is compacted to after a snapshot at index at: the last
// SnapshotCatchUpEntries entries up to it are kept for slow followers, fewer if they hold more than
// SnapshotCatchUpBytes (the newest one is always kept, whatever its size).
func (n *Node) catchUpStart(at uint64) uint64 {
	keep := min(at, n.cfg.SnapshotCatchUpEntries)
	first, _ := n.storage.FirstIndex()
	lo := max(at-keep+1, first)
	ents, err := n.storage.Entries(lo, at+1, math.MaxUint64)
	if err != nil || len(ents) == 0 {
		return at - keep
	}
	var size uint64
	for i := len(ents) - 1; i >= 0; i-- {
		size += uint64(len(ents[i].Data))
		if size > n.cfg.SnapshotCatchUpBytes && i < len(ents)-1 {
			return ents[i].Index
		}
	}
	return at - keep
}
