package node

import "github.com/raftlab/raftlab/core/raft"

// Output is everything the host must act on, drained by Ready. Its memory belongs to the node, which
// reuses it: the Messages and Replies slices are valid until the next Ready, the Persist batch until
// the next Ready and until Persisted was called for it, whichever comes later. A host that keeps
// anything longer copies it (Message, Reply and PersistBatch values; what those point to, such as
// entries and events, is never written again).
type Output struct {
	// Persist is the batch to make durable, or nil. At most one is in flight: the next one comes
	// only after Persisted was called for this one.
	Persist *PersistBatch
	// Messages are safe to send now, in order.
	Messages []raft.Message
	// Replies answer submitted requests.
	Replies []Reply
	// Encode is a snapshot to encode (only with Config.HostEncodesSnapshots): the host calls
	// Encode.Encode, on any goroutine, and hands the result back with SnapshotEncoded.
	Encode *SnapshotJob
}

// PersistBatch is what the host must write before calling Persisted(Seq, err). Order: the snapshot
// first (when not empty), then the hard state and the entries, then an fsync when MustSync.
type PersistBatch struct {
	Seq       uint64
	HardState raft.HardState
	Entries   []raft.Entry
	Snapshot  raft.Snapshot
	MustSync  bool
}

// IsEmpty reports whether the batch writes nothing.
func (b *PersistBatch) IsEmpty() bool {
	return b.HardState.IsEmpty() && len(b.Entries) == 0 && b.Snapshot.IsEmpty()
}
