package node

import (
	"fmt"
	"slices"

	"github.com/raftlab/raftlab/core/raft"
)

// ForceNewCluster turns the state a member recovered from its storage into the state of a
// one-member cluster of which self is the only voter, as etcd's --force-new-cluster does: the
// uncommitted tail of the log is dropped, and membership changes are appended and marked committed
// that remove every other member and then add self (if it is not a member already: a backup gives
// the member a new ID). Everything committed before is kept. initialVoters are the bootstrap voters
// of a member whose log starts at index 1 (no snapshot); nil for a member that joined.
//
// d is changed in place; the returned entries are the ones appended, which the host must write to
// its log together with d.HardState before it starts the node with d. Applying the result again
// appends nothing: self is then the only member.
func ForceNewCluster(d *DurableState, initialVoters []uint64, self Member) ([]raft.Entry, error) {
	if self.ID == 0 {
		return nil, fmt.Errorf("%w: member ID 0", ErrBadRequest)
	}
	commit := d.HardState.Commit
	if snap := d.Snapshot.Metadata.Index; commit < snap {
		commit = snap
	}
	keep := 0
	for keep < len(d.Entries) && d.Entries[keep].Index <= commit {
		keep++
	}
	d.Entries = d.Entries[:keep]
	ids, err := membersAt(d, initialVoters)
	if err != nil {
		return nil, err
	}
	last := commit
	if len(d.Entries) > 0 {
		last = d.Entries[len(d.Entries)-1].Index
	}
	term := d.HardState.Term
	var appended []raft.Entry
	add := func(cc raft.ConfChange) {
		last++
		appended = append(appended, raft.Entry{Type: raft.EntryConfChange, Term: term, Index: last, Data: raft.EncodeConfChange(cc)})
	}
	// Others first: self's peer URLs may be those of a member being removed (a restore on the same
	// host), and an add is refused while another member holds them.
	for _, id := range ids {
		if id != self.ID {
			add(raft.ConfChange{Type: raft.ConfChangeRemoveNode, NodeID: id})
		}
	}
	if !slices.Contains(ids, self.ID) {
		ctx, err := newCodecs().encodeEnvelope(&envelope{Member: Member{ID: self.ID, PeerURLs: slices.Clone(self.PeerURLs)}})
		if err != nil {
			return nil, err
		}
		add(raft.ConfChange{Type: raft.ConfChangeAddNode, NodeID: self.ID, Context: ctx})
	}
	d.Entries = append(d.Entries, appended...)
	d.HardState.Commit = last
	return appended, nil
}

// membersAt lists the voters and learners after the committed log of d: the snapshot's
// configuration (or the bootstrap voters) changed by every membership entry after it, sorted.
func membersAt(d *DurableState, initialVoters []uint64) ([]uint64, error) {
	var ids []uint64
	if !d.Snapshot.IsEmpty() {
		ids = append(slices.Clone(d.Snapshot.Metadata.ConfState.Voters), d.Snapshot.Metadata.ConfState.Learners...)
	} else {
		ids = slices.Clone(initialVoters)
	}
	for _, e := range d.Entries {
		if e.Type != raft.EntryConfChange {
			continue
		}
		cc, err := raft.DecodeConfChange(e.Data)
		if err != nil {
			return nil, fmt.Errorf("node: entry %d: %w", e.Index, err)
		}
		switch cc.Type {
		case raft.ConfChangeAddNode, raft.ConfChangeAddLearner:
			if !slices.Contains(ids, cc.NodeID) {
				ids = append(ids, cc.NodeID)
			}
		case raft.ConfChangeRemoveNode:
			ids = slices.DeleteFunc(ids, func(id uint64) bool { return id == cc.NodeID })
		}
	}
	slices.Sort(ids)
	return ids, nil
}
