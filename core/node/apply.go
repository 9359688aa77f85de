package node

import (
	"fmt"

	"github.com/raftlab/raftlab/core/mark"
	"github.com/raftlab/raftlab/core/raft"
	"github.com/raftlab/raftlab/core/store"
)

// clusterVersion is what the members API and /version report once the cluster is formed.
const clusterVersion = "3.5.0"

// seedInitialMembers writes the bootstrap membership into the store's internal namespace exactly as
// etcd's bootstrap does, identically on every replica: one "member added" record per member and the
// cluster version. Each member's name and client URLs ("attributes") are published by the member
// itself once it runs (KindMemberPublish), so a fresh 3-member cluster hands out index 8 to the first
// user write, as etcd does.
func (n *Node) seedInitialMembers() error {
	for _, m := range n.cfg.InitialMembers {
		mm := cloneMember(m)
		n.members.members[m.ID] = &mm
		if _, err := n.store.SetInternal(memberDir(m.ID)+"/raftAttributes", raftAttributesJSON(m, false)); err != nil {
			return fmt.Errorf("node: seed member %x: %w", m.ID, err)
		}
	}
	if _, err := n.store.SetInternal("/version", clusterVersion); err != nil {
		return fmt.Errorf("node: seed cluster version: %w", err)
	}
	return nil
}

func (n *Node) applyEntry(e raft.Entry) {
	if e.Index <= n.applied {
		return
	}
	n.applied = e.Index
	n.logBytes += uint64(len(e.Data))
	switch e.Type {
	case raft.EntryNormal:
		if len(e.Data) == 0 {
			return
		}
		var env envelope
		if err := n.codec.decodeEnvelope(e.Data, &env); err != nil {
			// Every replica decodes the same bytes, so skipping is deterministic; it can only
			// come from a bug, and the lab's monitors will see the missing effect.
			return
		}
		n.applyNormal(env)
	case raft.EntryConfChange:
		cc, err := raft.DecodeConfChange(e.Data)
		if err != nil {
			return
		}
		var env envelope
		if len(cc.Context) > 0 {
			if err := n.codec.decodeEnvelope(cc.Context, &env); err != nil {
				return
			}
		}
		// At or below raft's snapshot index, raft restored a snapshot from the leader that covers
		// this entry after it handed the entry out (the batch that carries it was in flight): raft's
		// configuration holds the change already, and applying it there again would undo what came
		// after it (learners-transfers seed 11679: a member added at 30 and removed before 69 came
		// back into raft's configuration). The node's own state takes it; the snapshot replaces
		// that state next.
		n.applyConfChange(cc, env, e.Index > n.raft.SnapshotIndex())
	}
}

func (n *Node) applyNormal(env envelope) {
	if r, ok := n.dedup.lookup(env.ID); ok && env.ID != 0 {
		n.cfg.Marks.Hit(mark.NodeDedupOnApply)
		n.resolve(env.ID, r, nil)
		return
	}
	var r appliedResult
	switch env.Kind {
	case envWrite, envSync:
		ev, err := n.store.Apply(env.Write)
		r = appliedResult{Event: ev, Err: storeErr(err), EtcdIndex: n.store.Index()}
	case envPublish:
		r = n.applyPublish(env.Member)
	case envMemberUpdate:
		r = n.applyMemberUpdate(env.Member)
	case envInternal:
		r = n.applyInternal(env.Write)
	default:
		r = appliedResult{Err: fmt.Errorf("%w: unknown entry kind %d", ErrBadRequest, env.Kind)}
	}
	n.dedup.remember(env.ID, r)
	var m *Member
	if env.Kind == envPublish || env.Kind == envMemberUpdate {
		n.membershipVersion++
		mm := cloneMember(env.Member)
		m = &mm
	}
	n.resolve(env.ID, r, m)
}

// storeErr keeps a nil *store.Error from turning into a non-nil error interface.
func storeErr(err error) error {
	if err == nil {
		return nil
	}
	if se, ok := err.(*store.Error); ok && se == nil {
		return nil
	}
	return err
}

func (n *Node) applyPublish(m Member) appliedResult {
	cur, ok := n.members.members[m.ID]
	if !ok {
		return appliedResult{Err: ErrIDNotFound, EtcdIndex: n.store.Index()}
	}
	cur.Name = m.Name
	cur.ClientURLs = append([]string(nil), m.ClientURLs...)
	if _, err := n.store.SetInternal(memberDir(m.ID)+"/attributes", attributesJSON(*cur)); err != nil {
		return appliedResult{Err: err, EtcdIndex: n.store.Index()}
	}
	return appliedResult{EtcdIndex: n.store.Index()}
}

func (n *Node) applyMemberUpdate(m Member) appliedResult {
	if err := n.members.validateUpdate(m.ID, m.PeerURLs); err != nil {
		return appliedResult{Err: err, EtcdIndex: n.store.Index()}
	}
	cur := n.members.members[m.ID]
	cur.PeerURLs = append([]string(nil), m.PeerURLs...)
	if _, err := n.store.SetInternal(memberDir(m.ID)+"/raftAttributes", raftAttributesJSON(*cur, n.members.learners[m.ID])); err != nil {
		return appliedResult{Err: err, EtcdIndex: n.store.Index()}
	}
	return appliedResult{EtcdIndex: n.store.Index()}
}

func (n *Node) applyInternal(w store.Request) appliedResult {
	ev, err := n.store.ApplyInternal(w)
	return appliedResult{Event: ev, Err: storeErr(err), EtcdIndex: n.store.Index()}
}

// checkInternalWrite refuses internal writes the internal namespace does not take: anything but a
// set, a create, a compare-and-swap, a delete or a compare-and-delete, compares without a condition,
// TTLs or refreshes (internal records are plain, permanent values), and directories other than
// created ones (the v2 auth directories, which etcd creates).
func checkInternalWrite(w store.Request) error {
	switch w.Op {
	case store.OpSet, store.OpCreate, store.OpDelete:
	case store.OpCompareAndSwap, store.OpCompareAndDelete:
		if w.PrevIndex == 0 && w.PrevValue == "" {
			return fmt.Errorf("%w: internal %s without prevIndex or prevValue", ErrBadRequest, w.Op)
		}
	default:
		return fmt.Errorf("%w: internal writes are set, create, compareAndSwap, delete or compareAndDelete, not %s", ErrBadRequest, w.Op)
	}
	if w.HasTTL || w.Expiration != 0 || w.Refresh || (w.Dir && w.Op != store.OpCreate) {
		return fmt.Errorf("%w: internal writes take no ttl or refresh, and a directory only by a create", ErrBadRequest)
	}
	return nil
}

// submitConfChange validates a membership change against the applied membership and proposes it.
func (n *Node) submitConfChange(req Request) {
	var cc raft.ConfChange
	var err error
	switch req.Kind {
	case KindMemberAdd:
		cc, err = raft.ConfChange{Type: raft.ConfChangeAddNode, NodeID: req.Member.ID}, n.members.validateAdd(req.Member)
	case KindMemberAddLearner:
		cc, err = raft.ConfChange{Type: raft.ConfChangeAddLearner, NodeID: req.Member.ID}, n.members.validateAdd(req.Member)
	case KindMemberPromote:
		cc, err = raft.ConfChange{Type: raft.ConfChangeAddNode, NodeID: req.MemberID}, n.members.validatePromote(req.MemberID)
	case KindMemberRemove:
		cc, err = raft.ConfChange{Type: raft.ConfChangeRemoveNode, NodeID: req.MemberID}, n.members.validateRemove(req.MemberID)
	}
	if err == nil && cc.NodeID == 0 {
		err = fmt.Errorf("%w: member ID 0", ErrBadRequest)
	}
	if err != nil && !maybeStale(err) {
		n.reply(Reply{ID: req.ID, Err: err})
		return
	}
	env := envelope{ID: req.ID, Member: req.Member}
	if cc.Context, err = n.codec.encodeEnvelope(&env); err != nil {
		n.reply(Reply{ID: req.ID, Err: err})
		return
	}
	if err := n.raft.ProposeConfChange(cc); err != nil {
		n.reply(Reply{ID: req.ID, Err: proposalError(err)})
		return
	}
	n.wait(req.ID)
	if n.soft.Role != raft.RoleLeader {
		n.forwarded(req.ID)
	}
}

// applyConfChange applies a committed membership change. A change that is no longer valid (the
// member was added or removed meanwhile) is applied as a no-op on every replica alike. toRaft false
// keeps raft's configuration as it is (a snapshot raft restored covers the change already).
func (n *Node) applyConfChange(cc raft.ConfChange, env envelope, toRaft bool) {
	if r, ok := n.dedup.lookup(env.ID); ok && env.ID != 0 {
		n.conf = n.raft.ApplyConfChange(raft.ConfChange{Type: cc.Type, NodeID: raft.None})
		n.resolve(env.ID, r, nil)
		return
	}
	var err error
	switch {
	case cc.Type == raft.ConfChangeAddNode && n.members.learners[cc.NodeID]:
		err = n.members.validatePromote(cc.NodeID)
	case cc.Type == raft.ConfChangeAddNode || cc.Type == raft.ConfChangeAddLearner:
		m := env.Member
		m.ID = cc.NodeID
		err = n.members.validateAdd(m)
	case cc.Type == raft.ConfChangeRemoveNode:
		err = n.members.validateRemove(cc.NodeID)
	}
	if err != nil {
		n.cfg.Marks.Hit(mark.NodeConfChangeRefusedOnApply)
		n.conf = n.raft.ApplyConfChange(raft.ConfChange{Type: cc.Type, NodeID: raft.None})
		r := appliedResult{Err: err, EtcdIndex: n.store.Index()}
		n.dedup.remember(env.ID, r)
		n.resolve(env.ID, r, nil)
		return
	}
	if toRaft {
		n.conf = n.raft.ApplyConfChange(cc)
	} else {
		n.conf = n.raft.ApplyConfChange(raft.ConfChange{Type: cc.Type, NodeID: raft.None})
	}
	n.membershipVersion++
	var member *Member
	switch cc.Type {
	case raft.ConfChangeAddNode, raft.ConfChangeAddLearner:
		member = n.applyMemberAdded(cc, env.Member)
	case raft.ConfChangeRemoveNode:
		n.applyMemberRemoved(cc.NodeID)
	}
	r := appliedResult{EtcdIndex: n.store.Index()}
	n.dedup.remember(env.ID, r)
	n.resolve(env.ID, r, member)
	if n.selfRemoved {
		// The removal itself was answered above; everything else waiting here can never be.
		n.failAll(ErrRemoved)
		n.queueFarewell()
	}
}

// queueFarewell sends the heartbeats raft queued when this member, leading, applied its own removal
// (raft's applyConfChange): they carry the commit index, the removal's included, to the members that
// stay, which the stopped node would otherwise never tell. Nothing else raft queued then goes out:
// the node is stopped.
func (n *Node) queueFarewell() {
	for _, m := range n.raft.TakeMessages() {
		if m.Type == raft.MsgHeartbeat {
			n.queueMessages([]raft.Message{m})
		}
	}
}

func (n *Node) applyMemberAdded(cc raft.ConfChange, m Member) *Member {
	learner := cc.Type == raft.ConfChangeAddLearner
	if cur, ok := n.members.members[cc.NodeID]; ok { // promotion of a learner
		delete(n.members.learners, cc.NodeID)
		_, _ = n.store.SetInternal(memberDir(cc.NodeID)+"/raftAttributes", raftAttributesJSON(*cur, false))
		out := cloneMember(*cur)
		return &out
	}
	mm := cloneMember(m)
	mm.ID = cc.NodeID
	mm.Name, mm.ClientURLs = "", nil // unstarted until it publishes its attributes
	n.members.members[mm.ID] = &mm
	if learner {
		n.members.learners[mm.ID] = true
	}
	_, _ = n.store.SetInternal(memberDir(mm.ID)+"/raftAttributes", raftAttributesJSON(mm, learner))
	// A joining member starts from a snapshot, never from a log prefix written for another
	// bootstrap: every replica snapshots and compacts here (deterministically, at this index).
	n.forceSnap = true
	out := cloneMember(mm)
	return &out
}

func (n *Node) applyMemberRemoved(id uint64) {
	delete(n.members.members, id)
	delete(n.members.learners, id)
	n.members.removed[id] = true
	_, _ = n.store.DeleteInternal(memberDir(id), true)
	_, _ = n.store.SetInternal(removedMemberPath(id), "removed")
	if id == n.cfg.ID {
		n.cfg.Marks.Hit(mark.NodeSelfRemoved)
		n.selfRemoved = true
	}
}
