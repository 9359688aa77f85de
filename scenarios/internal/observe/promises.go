package observe

import (
	"github.com/raftlab/raftlab/checker"
	"github.com/raftlab/raftlab/core/raft"
	"github.com/raftlab/raftlab/netsim"
)

// PromisesObserver feeds a checker.Promises from the simulator: what each node sends, writes,
// fsyncs, applies and recovers.
type PromisesObserver struct {
	netsim.NopObserver
	// P receives every observation.
	P *checker.Promises
}

// OnApply reports an applied entry.
func (o PromisesObserver) OnApply(node, index, term, _ uint64, at int64) {
	o.P.ObserveApply(node, index, term, at)
}

// OnSend reports a message handed to the network.
func (o PromisesObserver) OnSend(node uint64, m *raft.Message, at int64) {
	o.P.ObserveSend(node, m, at)
}

// OnSave reports a batch written without fsync.
func (o PromisesObserver) OnSave(node uint64, b *netsim.PersistBatch, _ error, at int64) {
	o.P.ObserveSave(node, b.HardState, b.Entries, b.Snapshot.Metadata, at)
}

// OnSync reports a successful fsync.
func (o PromisesObserver) OnSync(node uint64, at int64) { o.P.ObserveSync(node, at) }

// OnRecover reports what a node booted on.
func (o PromisesObserver) OnRecover(node uint64, d *netsim.Durable, at int64) {
	if d == nil {
		o.P.ObserveRecover(node, raft.HardState{}, raft.SnapshotMetadata{}, nil, true, at)
		return
	}
	o.P.ObserveRecover(node, d.HardState, d.Snapshot.Metadata, d.Entries, false, at)
}

// OnBootFail reports a node that could not start from its disk.
func (o PromisesObserver) OnBootFail(node uint64, err error, diskFaulty bool, at int64) {
	o.P.ObserveBootFail(node, err, diskFaulty, at)
}

var _ netsim.PromiseObserver = PromisesObserver{}
