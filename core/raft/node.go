package raft

import (
	"fmt"
	"slices"
)

// Ready is a batch of work for the host. See the package documentation for the order in which
// the host must handle it.
type Ready struct {
	// SoftState is the new leader/role, or nil if unchanged.
	SoftState *SoftState
	// HardState is the new term/vote/commit, or empty if unchanged.
	HardState HardState
	// ReadStates are read-index requests that may be served once Index is applied. Like Messages,
	// the slice is valid until the next call to Ready.
	ReadStates []ReadState
	// Entries must be persisted before Messages are sent.
	Entries []Entry
	// Snapshot must be persisted and applied to the state machine (empty if none).
	Snapshot Snapshot
	// CommittedEntries must be applied to the state machine, in order.
	CommittedEntries []Entry
	// Messages must be sent after Entries, HardState and Snapshot are durable. The slice (like
	// ReadStates) is raft's own and stays valid only until the next call to Ready, which reuses its
	// array for later messages: a host that keeps messages longer copies the Message values (what
	// they point to, entries, contexts and snapshots, is never written again).
	Messages []Message
	// MustSync says whether the persisted state must be fsynced before Messages go out.
	MustSync bool
}

// PeerProgress is the leader's replication state for one member.
type PeerProgress struct {
	ID           uint64
	Match        uint64
	Next         uint64
	State        ProgressState
	IsLearner    bool
	RecentActive bool
	Inflight     int
}

// Status is a snapshot of a node's state for observation.
type Status struct {
	ID        uint64
	HardState HardState
	SoftState SoftState
	Applied   uint64
	ConfState ConfState
	// Progress is set on the leader only, sorted by ID.
	Progress       []PeerProgress
	LeadTransferee uint64
}

// Node is one Raft participant as a pure state machine driven by Tick, Step and the proposal
// methods, with output collected through Ready/Advance. It is NOT safe for concurrent use and
// starts no goroutines.
type Node struct {
	r        *raft
	prevSoft SoftState
	prevHard HardState

	// handedMsgs and handedReads are the arrays the last Ready handed out. The host is done with
	// them at the next Ready, which gives them back to raft to collect the following batch in.
	handedMsgs  []Message
	handedReads []ReadState
}

// NewNode creates a node from its config, restoring term, vote, commit and membership from
// Config.Storage.
func NewNode(c Config) (*Node, error) {
	r, err := newRaft(&c)
	if err != nil {
		return nil, err
	}
	return &Node{r: r, prevSoft: r.softState(), prevHard: r.hardState()}, nil
}

// Tick advances logical time by one tick (elections, heartbeats, check-quorum).
func (n *Node) Tick() { n.r.tick() }

// Campaign starts an election now (with pre-vote if enabled). A learner or removed node cannot
// campaign and gets an error.
func (n *Node) Campaign() error {
	if !n.r.promotable() {
		return fmt.Errorf("raft: node %d is not a voter and cannot campaign", n.r.id)
	}
	return n.r.Step(Message{From: n.r.id, Type: MsgHup})
}

// Step hands the node a message received from the network. Message types that only the node
// itself generates are refused with ErrStepLocalMsg, and responses from unknown peers with
// ErrStepPeerNotFound.
func (n *Node) Step(m Message) error {
	if m.From == None || (m.To != None && m.To != n.r.id) {
		return fmt.Errorf("%w: %s from %d to %d at node %d", ErrInvalidMessage, m.Type, m.From, m.To, n.r.id)
	}
	switch m.Type {
	case MsgHup, MsgBeat, MsgUnreachable, MsgSnapStatus, MsgCheckQuorum:
		return fmt.Errorf("%w: %s", ErrStepLocalMsg, m.Type)
	case MsgProp, MsgReadIndex, MsgTransferLeader:
		if m.Term != 0 {
			return fmt.Errorf("%w: forwarded %s must not carry a term", ErrInvalidMessage, m.Type)
		}
	case MsgSnap:
		if m.Snapshot == nil || m.Snapshot.IsEmpty() {
			return fmt.Errorf("%w: MsgSnap without a snapshot", ErrInvalidMessage)
		}
	default:
		if m.Type > MsgCheckQuorum {
			return fmt.Errorf("%w: unknown type %d", ErrInvalidMessage, m.Type)
		}
		if m.Term == 0 {
			return fmt.Errorf("%w: %s without a term", ErrInvalidMessage, m.Type)
		}
	}
	switch m.Type {
	case MsgAppResp, MsgVoteResp, MsgPreVoteResp, MsgHeartbeatResp:
		if n.r.prs[m.From] == nil {
			return fmt.Errorf("%w: %s from %d", ErrStepPeerNotFound, m.Type, m.From)
		}
	}
	return n.r.Step(m)
}

// Propose proposes data to be appended to the log. On a follower it is forwarded to the leader
// (nil return: forwarded, not yet accepted). See the errors in the package documentation. Raft
// keeps data as given: the caller must not modify it afterwards.
func (n *Node) Propose(data []byte) error {
	return n.r.Step(Message{From: n.r.id, Type: MsgProp, Entries: []Entry{{Type: EntryNormal, Data: data}}})
}

// ProposeBatch proposes every element of data as one normal entry each, in order, in one step: the
// leader appends them together and sends one append per follower instead of one per entry; a
// follower forwards them to the leader in one message. The batch is accepted or refused as a
// whole, under the same rules and errors as Propose. Raft keeps the slices as given.
func (n *Node) ProposeBatch(data [][]byte) error {
	if len(data) == 0 {
		return fmt.Errorf("%w: empty proposal", ErrProposalDropped)
	}
	ents := make([]Entry, len(data))
	for i, d := range data {
		ents[i] = Entry{Type: EntryNormal, Data: d}
	}
	return n.r.Step(Message{From: n.r.id, Type: MsgProp, Entries: ents})
}

// ProposeConfChange proposes a membership change, under the same rules as Propose. The leader
// refuses it with ErrConfChangePending while an earlier change is not yet applied.
func (n *Node) ProposeConfChange(cc ConfChange) error {
	if err := validateConfChange(cc); err != nil {
		return err
	}
	return n.r.Step(Message{From: n.r.id, Type: MsgProp, Entries: []Entry{{Type: EntryConfChange, Data: EncodeConfChange(cc)}}})
}

// ApplyConfChange applies a committed membership change; the host calls it when it applies an
// EntryConfChange entry. It returns the resulting configuration.
func (n *Node) ApplyConfChange(cc ConfChange) ConfState { return n.r.applyConfChange(cc) }

// ReadIndex requests a linearizable read point; the answer is a ReadState carrying rctx in a later
// Ready. On a follower the request is forwarded to the leader. A request can go unanswered (the
// leader lost its leadership or the network lost a message): the host must time out and retry
// with a fresh context. Contexts must be unique among outstanding requests. Raft keeps a copy of
// rctx: the caller may reuse it at once.
func (n *Node) ReadIndex(rctx []byte) error {
	if len(rctx) == 0 {
		return ErrReadIndexEmptyContext
	}
	return n.r.Step(Message{From: None, Type: MsgReadIndex, Context: append([]byte(nil), rctx...)})
}

// TransferLeadership asks the leader to hand leadership to transferee. It is forwarded when this
// node is a follower and ignored when no leader is known.
func (n *Node) TransferLeadership(transferee uint64) {
	_ = n.r.Step(Message{Type: MsgTransferLeader, From: transferee})
}

// ReportUnreachable tells the leader that the last message to id was lost.
func (n *Node) ReportUnreachable(id uint64) {
	_ = n.r.Step(Message{Type: MsgUnreachable, From: id})
}

// ReportSnapshot tells the leader whether the snapshot sent to id was installed (failed=false).
func (n *Node) ReportSnapshot(id uint64, failed bool) {
	_ = n.r.Step(Message{Type: MsgSnapStatus, From: id, Reject: failed})
}

// Entries returns the log as this node's raft sees it: every entry after the last snapshot, those
// already persisted and those still waiting for the host's persist alike (an entry replaced by a
// conflicting append is already the new one). It is the log the commit index in Status refers to.
func (n *Node) Entries() []Entry {
	l := n.r.log
	ents, err := l.slice(l.firstIndex(), l.lastIndex()+1, noLimit)
	if err != nil {
		return nil
	}
	return ents
}

// HasReady reports whether Ready has anything for the host.
func (n *Node) HasReady() bool {
	r := n.r
	if r.softState() != n.prevSoft {
		return true
	}
	if hs := r.hardState(); !hs.IsEmpty() && hs != n.prevHard {
		return true
	}
	return r.log.unstable.snapshot != nil || len(r.log.unstable.entries) > 0 || len(r.msgs) > 0 ||
		len(r.readStates) > 0 || r.log.hasNextCommittedEnts()
}

// Ready returns the pending work and marks messages, read states and committed entries as handed
// out. Entries and Snapshot stay pending until Advance. The Messages and ReadStates of the previous
// Ready become invalid: their arrays are reused.
func (n *Node) Ready() Ready {
	r := n.r
	rd := Ready{
		Entries:          slices.Clip(r.log.unstable.entries),
		CommittedEntries: r.log.nextCommittedEnts(),
		Messages:         r.msgs,
		ReadStates:       r.readStates,
	}
	if ss := r.softState(); ss != n.prevSoft {
		n.prevSoft = ss
		rd.SoftState = &SoftState{Lead: ss.Lead, Role: ss.Role} // allocated only when it changed
	}
	if hs := r.hardState(); hs != n.prevHard {
		rd.HardState = hs
		rd.MustSync = hs.Term != n.prevHard.Term || hs.Vote != n.prevHard.Vote
		n.prevHard = hs
	}
	if s := r.log.unstable.snapshot; s != nil {
		rd.Snapshot = *s
		rd.MustSync = true
	}
	if len(rd.Entries) > 0 {
		rd.MustSync = true
	}
	if k := len(rd.CommittedEntries); k > 0 {
		r.log.applying = rd.CommittedEntries[k-1].Index
	}
	r.msgs, n.handedMsgs = RecycleMessages(n.handedMsgs), r.msgs
	r.readStates, n.handedReads = recycle(n.handedReads), r.readStates
	return rd
}

// SnapshotIndex is the index of the last entry the log's snapshot covers: the last compacted entry,
// or the last entry of a snapshot restored from the leader and not yet handed out or applied. A host
// applying a committed entry at or below it applies what the snapshot already holds (see the node's
// applyEntry).
func (n *Node) SnapshotIndex() uint64 { return n.r.log.firstIndex() - 1 }

// TakeMessages hands out the messages raft has queued since the last Ready, without a Ready, and
// forgets them: for a host that stops driving raft (a member that applied its own removal) and still
// sends some of what raft queued then. The slice is the caller's.
func (n *Node) TakeMessages() []Message {
	r := n.r
	out := slices.Clone(r.msgs)
	r.msgs = RecycleMessages(r.msgs)
	return out
}

// recycle empties an array the host has given back so that raft can collect into it again. The old
// elements are zeroed first: they would otherwise keep entries and snapshots reachable.
func recycle[T any](s []T) []T {
	clear(s)
	return s[:0]
}

// Advance tells the node that the host finished rd: it is durable, sent and applied.
func (n *Node) Advance(rd Ready) {
	r := n.r
	if !rd.Snapshot.IsEmpty() {
		r.log.unstable.stableSnapTo(rd.Snapshot.Metadata.Index)
		r.log.appliedTo(rd.Snapshot.Metadata.Index)
	}
	if k := len(rd.Entries); k > 0 {
		e := rd.Entries[k-1]
		r.log.unstable.stableTo(e.Index, e.Term)
	}
	if k := len(rd.CommittedEntries); k > 0 {
		r.log.appliedTo(rd.CommittedEntries[k-1].Index)
		if r.state == RoleLeader {
			r.reduceUncommittedSize(rd.CommittedEntries)
		}
	}
}

// BasicStatus is the part of Status that costs nothing to read: no membership, no progress.
type BasicStatus struct {
	HardState HardState
	SoftState SoftState
	Applied   uint64
}

// Basic reports term, vote, commit, leader, role and applied index without building the
// membership and progress lists Status allocates; hosts that observe a node after every input use it.
func (n *Node) Basic() BasicStatus {
	r := n.r
	return BasicStatus{HardState: r.hardState(), SoftState: r.softState(), Applied: r.log.applied}
}

// Status reports the node's current state.
func (n *Node) Status() Status {
	r := n.r
	st := Status{
		ID:             r.id,
		HardState:      r.hardState(),
		SoftState:      r.softState(),
		Applied:        r.log.applied,
		ConfState:      r.confState(),
		LeadTransferee: r.leadTransferee,
	}
	if r.state == RoleLeader {
		ids := append(append([]uint64(nil), r.peerIDs()...), r.id)
		for _, id := range ids {
			pr := r.prs[id]
			if pr == nil {
				continue
			}
			st.Progress = append(st.Progress, PeerProgress{ID: id, Match: pr.match, Next: pr.next, State: pr.state,
				IsLearner: pr.isLearner, RecentActive: pr.recentActive, Inflight: pr.inflights.count()})
		}
		sortProgress(st.Progress)
	}
	return st
}

// RecycleMessages empties a message array for reuse: it drops the references the old messages hold
// (DropReferences), so that a reused array keeps nothing reachable, and returns it with length zero.
func RecycleMessages(ms []Message) []Message {
	for i := range ms {
		ms[i].DropReferences()
	}
	return ms[:0]
}

// DropReferences clears what m points to (entries, snapshot, context) so that a message kept for
// reuse keeps nothing reachable. It writes only the references that are set: clearing whole
// messages made the collector's write barrier visit every pointer slot while it marked.
func (m *Message) DropReferences() {
	if m.Entries != nil {
		m.Entries = nil
	}
	if m.Snapshot != nil {
		m.Snapshot = nil
	}
	if m.Context != nil {
		m.Context = nil
	}
}
