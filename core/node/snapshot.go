package node

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/hashicorp/go-msgpack/v2/codec"
	"github.com/raftlab/raftlab/core/faultpoint"
	"github.com/raftlab/raftlab/core/mark"
	"github.com/raftlab/raftlab/core/raft"
	"github.com/raftlab/raftlab/core/store"
)

// snapshotData is the replicated state a snapshot carries besides raft's metadata.
type snapshotData struct {
	Store    []byte
	Members  []Member
	Learners []uint64
	Removed  []uint64
	Dedup    []dedupRecord
}

// dedupRecord is one remembered request result in snapshot form.
type dedupRecord struct {
	ID        uint64
	Event     []byte // JSON of *store.Event, empty when nil
	ErrJSON   []byte // JSON of *store.Error when the error was a store error
	ErrText   string // any other error's text
	EtcdIndex uint64
}

func (n *Node) encodeSnapshotData() ([]byte, error) {
	st, err := n.store.Save()
	if err != nil {
		return nil, fmt.Errorf("node: save store: %w", err)
	}
	sd := snapshotData{Store: st, Members: n.members.list(), Removed: n.members.removedIDs()}
	for _, id := range n.members.ids() {
		if n.members.learners[id] {
			sd.Learners = append(sd.Learners, id)
		}
	}
	ids := n.dedup.ids()
	sd.Dedup = make([]dedupRecord, 0, len(ids))
	var events []byte // every record's event JSON, each record holding its own part
	size := len(st)
	for _, id := range ids {
		r, _ := n.dedup.lookup(id)
		rec := dedupRecord{ID: id, EtcdIndex: r.EtcdIndex}
		if r.Event != nil {
			start := len(events)
			var ok bool
			if events, ok = r.Event.AppendJSON(events); !ok { // json.Marshal's bytes, 3x faster
				events = events[:start]
				if rec.Event, err = json.Marshal(r.Event); err != nil {
					return nil, fmt.Errorf("node: snapshot dedup event: %w", err)
				}
			} else {
				rec.Event = events[start:len(events):len(events)]
			}
			size += len(rec.Event)
		}
		if se, ok := r.Err.(*store.Error); ok {
			if rec.ErrJSON, err = json.Marshal(se); err != nil {
				return nil, fmt.Errorf("node: snapshot dedup error: %w", err)
			}
		} else if r.Err != nil {
			rec.ErrText = r.Err.Error()
		}
		sd.Dedup = append(sd.Dedup, rec)
	}
	// The encoder writes into the scratch buffer: sized once instead of grown (copied) step by
	// step, and let go afterwards rather than kept at a snapshot's size.
	n.codec.buf = slices.Grow(n.codec.buf[:0], size+64*len(ids)+1024)
	data, err := n.codec.encode(&sd)
	n.codec.buf = nil
	return data, err
}

// restoreSnapshotData replaces the replicated state with a snapshot's. On error nothing changes.
// toReplay is how many log entries the caller is about to apply on top (room is made for their IDs).
func (n *Node) restoreSnapshotData(data []byte, toReplay int) error {
	var sd snapshotData
	if err := decodeSnapshotData(data, &sd); err != nil {
		return fmt.Errorf("node: corrupt snapshot: %w", err)
	}
	dd := newDedupTable(n.cfg.DedupWindow, len(sd.Dedup)+toReplay)
	for _, rec := range sd.Dedup {
		r := appliedResult{EtcdIndex: rec.EtcdIndex}
		if len(rec.Event) > 0 {
			r.Event = &store.Event{}
			if err := json.Unmarshal(rec.Event, r.Event); err != nil {
				return fmt.Errorf("node: corrupt snapshot dedup event: %w", err)
			}
		}
		switch {
		case len(rec.ErrJSON) > 0:
			se := &store.Error{}
			if err := json.Unmarshal(rec.ErrJSON, se); err != nil {
				return fmt.Errorf("node: corrupt snapshot dedup error: %w", err)
			}
			r.Err = se
		case rec.ErrText != "":
			r.Err = restoredError(rec.ErrText)
		}
		dd.remember(rec.ID, r)
	}
	ms := newMembership()
	for _, m := range sd.Members {
		mm := cloneMember(m)
		ms.members[m.ID] = &mm
	}
	for _, id := range sd.Learners {
		ms.learners[id] = true
	}
	for _, id := range sd.Removed {
		ms.removed[id] = true
	}
	// Restore into the existing store (atomic: it checks the whole input first), so that watchers
	// registered before the snapshot survive and are told what they missed.
	if err := n.store.Recovery(sd.Store); err != nil {
		return fmt.Errorf("node: restore store from snapshot: %w", err)
	}
	n.dedup, n.members = dd, ms
	n.membershipVersion++
	return nil
}

// restoredError maps a remembered error text back to the sentinel it came from.
func restoredError(text string) error {
	for _, e := range []error{ErrIDExists, ErrPeerURLExists, ErrIDNotFound, ErrIDRemoved, ErrNotLearner, ErrBadRequest} {
		if e.Error() == text {
			return e
		}
	}
	return fmt.Errorf("%s", text)
}

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
	if n.members.removed[n.cfg.ID] {
		n.selfRemoved = true
	}
	return nil
}

// maybeSnapshot takes a snapshot every SnapshotCount applied entries (and whenever a member was
// added), compacts the in-memory log and queues the snapshot for the host to persist.
func (n *Node) maybeSnapshot() {
	if !n.forceSnap && n.applied-n.snapshot < n.cfg.SnapshotCount {
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
	if !n.forceSnap && compactTo > n.cfg.SnapshotCatchUpEntries {
		compactTo -= n.cfg.SnapshotCatchUpEntries
	} else if !n.forceSnap {
		compactTo = 0
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
}

// decodeSnapshotData decodes a snapshot's data with a handle whose preallocation bound is the data's
// size. The node's shared handle reads a long byte string (the store) in 256 KiB steps, copying what
// it has at every step: quadratic, some 500 MiB of copying for a 16 MiB store. Nothing in data can
// be longer than data, so its size bounds one allocation safely.
func decodeSnapshotData(data []byte, sd *snapshotData) error {
	h := &codec.MsgpackHandle{WriteExt: true}
	h.MaxInitLen = len(data)
	if err := codec.NewDecoderBytes(data, h).Decode(sd); err != nil {
		return fmt.Errorf("decode snapshot data: %w", err)
	}
	return nil
}
