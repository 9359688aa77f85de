package netsim

import "github.com/raftlab/raftlab/core/raft"

// PromiseObserver is an optional extension of Observer for checks of what each node promises and
// what its disk keeps: every message a node hands to the network (its votes, acknowledgements and
// terms), every batch written to its disk and every fsync that made them durable, and what the disk
// gives back when the node boots. An Observer in Config.Observers that also implements it gets these
// calls; they must not keep the message or batch, which the node reuses.
type PromiseObserver interface {
	// OnSend: node handed m to the network (before any loss, cut or delay).
	OnSend(node uint64, m *raft.Message, at int64)
	// OnSave: the batch was written to node's disk without fsync (err is the write's error: a
	// failed write may still have left part of it on disk).
	OnSave(node uint64, b *PersistBatch, err error, at int64)
	// OnSync: an fsync succeeded, so every earlier save of node is durable.
	OnSync(node uint64, at int64)
	// OnRecover: node booted on what its disk gave back (nil for a disk that never kept anything).
	OnRecover(node uint64, d *Durable, at int64)
	// OnBootFail: node could not start from its disk; diskFaulty says a disk fault was injected and
	// not cleared at the time (the node may then be expected not to start).
	OnBootFail(node uint64, err error, diskFaulty bool, at int64)
}

// DiskFaultState is implemented by disks that can say whether an injected fault is in force.
type DiskFaultState interface {
	// Faulty reports whether fsyncs fail or the capacity is bounded right now.
	Faulty() bool
}

// promiseObservers picks the observers that implement PromiseObserver.
func promiseObservers(obs []Observer) []PromiseObserver {
	var out []PromiseObserver
	for _, o := range obs {
		if p, ok := o.(PromiseObserver); ok {
			out = append(out, p)
		}
	}
	return out
}

// noteSends tells promise observers about the messages node h hands to the network.
func (h *host) noteSends(msgs []raft.Message) {
	for i := range msgs {
		for _, o := range h.sim.promises {
			o.OnSend(h.id, &msgs[i], h.sim.now)
		}
	}
}

// noteSave tells promise observers about a batch written to h's disk.
func (h *host) noteSave(b *PersistBatch, err error) {
	for _, o := range h.sim.promises {
		o.OnSave(h.id, b, err, h.sim.now)
	}
}

// noteSync tells promise observers that h's disk made every earlier save durable.
func (h *host) noteSync() {
	for _, o := range h.sim.promises {
		o.OnSync(h.id, h.sim.now)
	}
}

// noteRecover tells promise observers what h booted on.
func (h *host) noteRecover(d *Durable) {
	for _, o := range h.sim.promises {
		o.OnRecover(h.id, d, h.sim.now)
	}
}

// noteBootFail tells promise observers that h could not start from its disk.
func (h *host) noteBootFail(err error) {
	faulty := false
	if f, ok := h.disk.(DiskFaultState); ok {
		faulty = f.Faulty()
	}
	for _, o := range h.sim.promises {
		o.OnBootFail(h.id, err, faulty, h.sim.now)
	}
}
