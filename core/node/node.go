package node

import (
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"

	"github.com/raftlab/raftlab/core/faultpoint"
	"github.com/raftlab/raftlab/core/mark"
	"github.com/raftlab/raftlab/core/raft"
	"github.com/raftlab/raftlab/core/store"
)

// DurableState is what the host recovered from its storage on restart.
type DurableState struct {
	HardState raft.HardState
	Snapshot  raft.Snapshot
	Entries   []raft.Entry
}

// Node is one member. It is not safe for concurrent use: the host calls it from one goroutine.
type Node struct {
	cfg     Config
	codec   *codecs
	raft    *raft.Node
	storage *raft.MemoryStorage
	store   *store.Store
	dedup   *dedupTable
	members *membership

	tick     uint64
	now      int64
	soft     raft.SoftState
	hard     raft.HardState
	applied  uint64
	snapshot uint64 // index of the last snapshot taken or installed
	conf     raft.ConfState
	// snapshotSinceStart says this node took a snapshot since it started (Config.SnapshotStagger).
	snapshotSinceStart bool
	// logBytes counts the entry bytes applied since the last snapshot; snapBytes is that snapshot's
	// size and snapData what the data held then (dataBytes), for maybeSnapshot's size triggers.
	logBytes  uint64
	snapBytes uint64
	snapData  int64

	// persistence hand-off
	seq      uint64
	inFlight bool
	pending  raft.Ready // the Ready waiting for the batch in flight, when hasPend
	hasPend  bool
	// commitUnsaved says a commit-only Ready was finished without a batch: the next batch carries
	// its hard state, or one of its own once raft is idle (saveCommit).
	commitUnsaved bool
	localSnap     *raft.Snapshot
	forceSnap     bool
	// snapJob is the snapshot being encoded (see maybeSnapshot), nil when none is.
	snapJob *SnapshotJob

	// waiting requests
	queued    []queuedWrite       // writes not yet proposed (see flushWrites)
	life      lifecycle           // every submitted request until its reply (see lifecycle)
	ready     readiness           // whether this member serves clients yet (see readiness)
	waiters   map[uint64]struct{} // proposals waiting to be applied, by request ID
	reads     map[uint64]*Request // quorum reads waiting for their read index, by request ID
	readQueue []pendingRead
	deadlines []deadline

	out Output
	// handedMsgs and handedReplies are the arrays of the Output the last Ready handed out; the next
	// Ready gives them back to collect into (see Ready). batches are the two persist batches emitted
	// in turn (see emitPersist).
	handedMsgs    []raft.Message
	handedReplies []Reply
	batches       [2]PersistBatch

	failed error
	// membershipVersion counts applied changes to the member list (see Brief).
	membershipVersion uint64
	selfRemoved       bool
	lastSyncTick      uint64
}

type pendingRead struct {
	index uint64
	id    uint64
}

type deadline struct {
	tick uint64
	id   uint64
}

// New builds a node: a fresh one when durable is nil, otherwise one restarted from what the host
// recovered from its storage.
func New(cfg Config, durable *DurableState) (*Node, error) {
	c, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	var toReplay int // entries re-applied below, each with its request ID
	if durable != nil {
		toReplay = len(durable.Entries)
	}
	n := &Node{
		cfg:     c,
		codec:   newCodecs(),
		storage: raft.NewMemoryStorage(),
		store:   store.New(),
		dedup:   newDedupTable(c.DedupWindow, c.DedupBytes, toReplay),
		members: newMembership(),
		life:    newLifecycle(),
		waiters: make(map[uint64]struct{}),
		reads:   make(map[uint64]*Request),
	}
	n.store.UseMarks(c.Marks)
	var peers []uint64
	if !c.Join {
		peers = memberIDs(c.InitialMembers)
	}
	if durable != nil && !durable.Snapshot.IsEmpty() {
		if err := n.storage.ApplySnapshot(durable.Snapshot); err != nil {
			return nil, fmt.Errorf("node: restore snapshot: %w", err)
		}
		if err := n.restoreSnapshotData(durable.Snapshot.Data, toReplay); err != nil {
			return nil, err
		}
		c.Marks.Hit(mark.NodeRestartFromSnapshot)
		n.applied = durable.Snapshot.Metadata.Index
		n.snapshot = n.applied
		n.conf = durable.Snapshot.Metadata.ConfState
		n.snapshotTaken(len(durable.Snapshot.Data))
	} else if !c.Join {
		if err := n.seedInitialMembers(); err != nil {
			return nil, err
		}
	}
	if durable != nil {
		if len(durable.Entries) > 0 {
			c.Marks.Hit(mark.NodeRestartReplay)
			if err := n.storage.Append(durable.Entries); err != nil {
				return nil, fmt.Errorf("node: restore entries: %w", err)
			}
		}
		if !durable.HardState.IsEmpty() {
			if err := n.storage.SetHardState(durable.HardState); err != nil {
				return nil, fmt.Errorf("node: restore hard state: %w", err)
			}
			n.hard = durable.HardState
		}
	}
	rn, err := raft.NewNode(raft.Config{
		ID:              c.ID,
		Peers:           peers,
		ElectionTick:    c.ElectionTicks,
		HeartbeatTick:   c.HeartbeatTicks,
		Storage:         n.storage,
		Applied:         n.applied,
		MaxSizePerMsg:   c.MaxSizePerMsg,
		MaxInflightMsgs: c.MaxInflightMsgs,
		PreVote:         !c.DisablePreVote,
		CheckQuorum:     !c.DisableCheckQuorum,
		Rand:            c.Rand,
		Bugs:            c.Bugs.Raft,
		Marks:           c.Marks,
	})
	if err != nil {
		return nil, fmt.Errorf("node: start raft: %w", err)
	}
	n.raft = rn
	if len(n.conf.Voters) == 0 && len(n.conf.Learners) == 0 {
		n.conf = rn.Status().ConfState
	}
	n.process()
	return n, nil
}

func memberIDs(ms []Member) []uint64 {
	ids := make([]uint64, 0, len(ms))
	for _, m := range ms {
		ids = append(ids, m.ID)
	}
	return ids
}

// Tick advances logical time by one tick; now is the host's clock in unix nanoseconds.
func (n *Node) Tick(now int64) {
	n.now = now
	n.tick++
	if n.stopped() {
		return
	}
	n.raft.Tick()
	n.expireWaiters()
	n.advanceLifecycle()
	n.maybeProposeSync()
	n.process()
}

// Step feeds a message from a peer.
func (n *Node) Step(m raft.Message) {
	if n.stopped() || n.oversizedProposal(m) {
		return
	}
	// Errors from Step concern stale or foreign messages; raft has already ignored them.
	_ = n.raft.Step(m)
	n.process()
}

// dispatch proposes or starts serving req: the node's part of a submission, shared by Submit and by
// the lifecycle's resubmissions. Its reply (or refusal) comes out through reply.
func (n *Node) dispatch(req Request) {
	switch req.Kind {
	case KindWrite:
		n.submitWrite(req)
	case KindQuorumGet, kindReadyProbe:
		n.submitQuorumGet(req)
	case KindMemberAdd, KindMemberAddLearner, KindMemberPromote, KindMemberRemove:
		if r, ok := n.dedup.lookup(req.ID); ok {
			n.replyResult(req.ID, r) // a retry of a change already applied
			return
		}
		n.submitConfChange(req)
	case KindMemberUpdate, KindMemberPublish:
		if r, ok := n.dedup.lookup(req.ID); ok {
			n.replyResult(req.ID, r)
			return
		}
		n.submitMemberRecord(req)
	case KindInternal:
		if err := checkInternalWrite(req.Write); err != nil {
			n.reply(Reply{ID: req.ID, Err: err})
			break
		}
		n.propose(req, envelope{ID: req.ID, Kind: envInternal, Write: req.Write})
	default:
		n.reply(Reply{ID: req.ID, Err: fmt.Errorf("%w: unknown request kind %d", ErrBadRequest, req.Kind)})
	}
}

func (n *Node) submitWrite(req Request) {
	if r, ok := n.dedup.lookup(req.ID); ok {
		n.cfg.Marks.Hit(mark.NodeDedupOnSubmit)
		n.replyResult(req.ID, r)
		return
	}
	data, err := n.encodeProposal(envelope{ID: req.ID, Kind: envWrite, Write: req.Write})
	if err != nil {
		n.reply(Reply{ID: req.ID, Err: err})
		return
	}
	n.queueWrite(req, data)
}

func (n *Node) submitMemberRecord(req Request) {
	kind := envPublish
	if req.Kind == KindMemberUpdate {
		kind = envMemberUpdate
		if err := n.members.validateUpdate(req.MemberID, req.Member.PeerURLs); err != nil && !maybeStale(err) {
			n.reply(Reply{ID: req.ID, Err: err})
			return
		}
		req.Member.ID = req.MemberID
	}
	n.propose(req, envelope{ID: req.ID, Kind: kind, Member: req.Member})
}

// propose encodes env, proposes it and registers a waiter for req.
func (n *Node) propose(req Request, env envelope) {
	data, err := n.encodeProposal(env)
	if err != nil {
		n.reply(Reply{ID: req.ID, Err: err})
		return
	}
	if err := n.raft.Propose(data); err != nil {
		n.cfg.Marks.Hit(mark.NodeProposalRefused)
		n.reply(Reply{ID: req.ID, Err: proposalError(err)})
		return
	}
	n.wait(req.ID)
}

func (n *Node) submitQuorumGet(req Request) {
	if n.cfg.Bugs.LocalQuorumReads {
		n.answerRead(req)
		return
	}
	if _, pending := n.reads[req.ID]; pending {
		// A retry of a read still in flight: raft needs unique contexts, and the first round
		// will answer it.
		return
	}
	var ctx [8]byte // raft copies the context
	binary.BigEndian.PutUint64(ctx[:], req.ID)
	if err := n.raft.ReadIndex(ctx[:]); err != nil {
		n.reply(Reply{ID: req.ID, Err: proposalError(err)})
		return
	}
	n.reads[req.ID] = &req
	n.addDeadline(req.ID)
}

// wait registers proposal id: it is answered when its entry is applied, or when it times out.
func (n *Node) wait(id uint64) {
	n.waiters[id] = struct{}{}
	n.addDeadline(id)
}

// addDeadline makes request id time out at its lifecycle deadline (RequestTimeoutTicks after it was
// first submitted). The queue stays sorted: a resubmitted request's deadline, earlier than the ones
// queued since, is inserted in its place.
func (n *Node) addDeadline(id uint64) {
	d := deadline{tick: n.deadlineOf(id), id: id}
	k := len(n.deadlines)
	if k == 0 || n.deadlines[k-1].tick <= d.tick {
		n.deadlines = append(n.deadlines, d)
		return
	}
	i, _ := slices.BinarySearchFunc(n.deadlines, d.tick, func(e deadline, t uint64) int { return cmp.Compare(e.tick, t+1) })
	n.deadlines = slices.Insert(n.deadlines, i, d)
}

func proposalError(err error) error {
	switch {
	case isNotLeader(err):
		return ErrNoLeader
	case errors.Is(err, raft.ErrConfChangePending):
		return ErrConfPending
	case errors.Is(err, raft.ErrProposalDropped):
		return ErrDropped
	}
	return fmt.Errorf("etcdserver: %w", err)
}

// isNotLeader reports whether err is or wraps a *raft.NotLeaderError. (errors.As would move its
// target to the heap on every refused proposal.)
func isNotLeader(err error) bool {
	for ; err != nil; err = errors.Unwrap(err) {
		if _, ok := err.(*raft.NotLeaderError); ok {
			return true
		}
	}
	return false
}

// expireWaiters answers every request whose deadline passed with ErrTimeout. Deadlines are
// appended in tick order, so the queue is sorted.
func (n *Node) expireWaiters() {
	i := 0
	for ; i < len(n.deadlines) && n.deadlines[i].tick <= n.tick; i++ {
		id := n.deadlines[i].id
		if _, ok := n.waiters[id]; ok {
			n.cfg.Marks.Hit(mark.NodeRequestTimeout)
			delete(n.waiters, id)
			n.reply(Reply{ID: id, Err: ErrTimeout})
		}
		if _, ok := n.reads[id]; ok {
			n.cfg.Marks.Hit(mark.NodeRequestTimeout)
			delete(n.reads, id)
			n.reply(Reply{ID: id, Err: ErrTimeout})
		}
	}
	n.deadlines = n.deadlines[i:]
}

// maybeProposeSync lets the leader expire TTL keys through the log: the entry carries the leader's
// clock, so every replica expires the same keys at the same index.
func (n *Node) maybeProposeSync() {
	if n.soft.Role != raft.RoleLeader {
		return
	}
	every := uint64(n.cfg.SyncInterval / n.cfg.TickInterval)
	if every == 0 {
		every = 1
	}
	if n.tick-n.lastSyncTick < every {
		return
	}
	n.lastSyncTick = n.tick
	exp, ok := n.store.NextExpiration()
	if !ok || exp > n.now {
		return
	}
	env := envelope{Kind: envSync, Write: store.Request{Op: store.OpSync, Time: n.now}}
	data, err := n.codec.encodeEnvelope(&env)
	if err != nil {
		return
	}
	// A refused sync is retried at the next interval.
	n.cfg.Marks.Hit(mark.NodeTTLSyncProposed)
	_ = n.raft.Propose(data)
}

// Ready drains the node's outputs. The Output's Messages and Replies slices are the node's own and
// stay valid only until the next call to Ready, which reuses their arrays: a host that keeps
// messages or replies longer copies the values. Its Persist batch stays valid until the next Ready
// and until the host reports it with Persisted, whichever comes later.
func (n *Node) Ready() Output {
	n.releaseBatches()
	if n.out.Persist == nil && n.out.Encode == nil && len(n.out.Messages) == 0 && len(n.out.Replies) == 0 {
		return Output{} // hosts poll until empty: nothing to hand out, nothing given back
	}
	out := n.out
	n.out = Output{Messages: raft.RecycleMessages(n.handedMsgs), Replies: recycle(n.handedReplies)}
	n.handedMsgs, n.handedReplies = out.Messages, out.Replies
	return out
}

// releaseBatches forgets the persist batches the host is done with (reported Persisted, and a Ready
// has come since), so that a slot does not keep a large snapshot's data reachable after a newer
// snapshot replaced it for as long as no batch overwrites the slot.
func (n *Node) releaseBatches() {
	for i := range n.batches {
		if b := &n.batches[i]; b.Seq != 0 && (b.Seq != n.seq || !n.inFlight) {
			*b = PersistBatch{}
		}
	}
}

// recycle empties an array the host has given back so that the node can collect into it again. The
// old elements are zeroed first: they would otherwise keep entries, events and errors reachable.
func recycle[T any](s []T) []T {
	clear(s)
	return s[:0]
}

// Persisted tells the node that the host wrote persist batch seq (err == nil) or could not. After a
// storage failure the node stops: it never acknowledges anything it could not make durable.
func (n *Node) Persisted(seq uint64, err error) {
	if !n.inFlight || seq != n.seq {
		return
	}
	if err != nil {
		n.cfg.Marks.Hit(mark.NodeStorageFailed)
		n.fail(fmt.Errorf("%w: %w", ErrStorage, err))
		return
	}
	n.cfg.Faults.Visit(faultpoint.NodeAfterPersist)
	n.inFlight = false
	rd, ok := n.pending, n.hasPend
	n.pending, n.hasPend = raft.Ready{}, false
	if ok && !n.cfg.Bugs.AckBeforeDurable {
		n.finish(rd)
	}
	n.process()
}

func (n *Node) fail(err error) {
	n.failed = err
	n.pending, n.hasPend = raft.Ready{}, false
	clear(n.out.Messages)
	n.out.Messages = n.out.Messages[:0]
	n.failAll(err)
}

func (n *Node) failAll(err error) {
	for _, d := range n.deadlines {
		if _, ok := n.waiters[d.id]; ok {
			delete(n.waiters, d.id)
			n.reply(Reply{ID: d.id, Err: err})
		}
		if _, ok := n.reads[d.id]; ok {
			delete(n.reads, d.id)
			n.reply(Reply{ID: d.id, Err: err})
		}
	}
	n.deadlines = nil
	n.readQueue = nil
	n.queued = nil
	n.answerWaiting(err)
}

func (n *Node) stopped() bool { return n.stopErr() != nil }

func (n *Node) stopErr() error {
	if n.failed != nil {
		return n.failed
	}
	if n.selfRemoved {
		return ErrRemoved
	}
	return nil
}

// process turns raft Ready batches into outputs until raft has nothing more or a batch must first
// be made durable.
func (n *Node) process() {
	for !n.stopped() {
		n.applyDurable()
		if n.inFlight {
			return
		}
		if n.localSnap != nil {
			n.emitPersist(PersistBatch{Snapshot: *n.localSnap, MustSync: true})
			n.localSnap = nil
			return
		}
		n.flushWrites()
		if !n.raft.HasReady() {
			n.saveCommit()
			return
		}
		rd := n.raft.Ready()
		if rd.SoftState != nil {
			n.soft = *rd.SoftState
		}
		if !rd.HardState.IsEmpty() {
			n.hard = rd.HardState
		}
		if rd.SoftState != nil || !rd.HardState.IsEmpty() {
			n.noteLeader(n.soft.Lead, n.hard.Term)
		}
		if commitOnly(rd) && !n.cfg.Bugs.AckBeforeDurable {
			// Only the commit index moved: every committed entry is already on this disk (it came in
			// an earlier, persisted Ready) and a commit index need not be durable before it is acted
			// on, so the Ready is finished now instead of after a persister round trip (which was on
			// the path of every reply); its hard state is written right after (saveCommit) or with
			// the next batch.
			n.finish(rd)
			n.commitUnsaved = true
			continue
		}
		if !rd.HardState.IsEmpty() || len(rd.Entries) > 0 || !rd.Snapshot.IsEmpty() {
			// A Ready that waits for its batch is kept by value in the node until Persisted.
			pending := rd
			if n.soft.Role == raft.RoleLeader && !n.cfg.Bugs.AckBeforeDurable {
				// Raft thesis §10.2.1: a leader may replicate its entries before they are durable on
				// its own disk, so the leader's fsync and the followers' run in parallel. Its appends,
				// heartbeats and snapshots depend on nothing this batch makes durable (a commit index
				// is only ever externalised in a later Ready, i.e. after this batch). Everything else
				// (vote grants, acknowledgements) still waits for the batch.
				pending.Messages = n.sendLeaderTraffic(rd.Messages)
			}
			n.emitPersist(PersistBatch{
				HardState: n.hard,
				Entries:   rd.Entries,
				Snapshot:  rd.Snapshot,
				MustSync:  rd.MustSync,
			})
			n.pending, n.hasPend = pending, true
			if n.cfg.Bugs.AckBeforeDurable {
				n.finish(rd)
			}
			return
		}
		n.finish(rd)
	}
}

// applyDurable applies the committed entries already on this disk that raft has not handed out in a
// Ready, and answers the reads waiting for them. With a batch in flight, an entry whose commit
// arrived during the batch's fsync (a follower's acknowledgement, a leader's commit index) is
// applied and answered now instead of after that fsync; before a Ready, the committed entries do
// not ride along with the Ready's new entries and wait for their fsync. Applying a committed entry
// needs nothing of this batch: it is on this disk, and the commit index need not be durable.
func (n *Node) applyDurable() {
	if n.cfg.Bugs.AckBeforeDurable {
		return
	}
	ents := n.raft.CommittedDurable()
	if len(ents) == 0 {
		return
	}
	for _, e := range ents {
		n.applyEntry(e)
	}
	n.raft.AdvanceApplied(ents)
	n.serveReads()
}

// saveCommit emits the hard state of commit-only Readies finished without a batch.
func (n *Node) saveCommit() {
	if n.commitUnsaved && !n.inFlight && !n.stopped() {
		n.emitPersist(PersistBatch{HardState: n.hard})
	}
}

// commitOnly reports whether a Ready changes nothing durable but the commit index: no entries, no
// snapshot, and a hard state (if any) whose term and vote are unchanged.
func commitOnly(rd raft.Ready) bool {
	return !rd.MustSync && len(rd.Entries) == 0 && rd.Snapshot.IsEmpty()
}

// sendLeaderTraffic releases the leader's appends, heartbeats and snapshots at once and returns the
// messages that must wait for the persist batch.
func (n *Node) sendLeaderTraffic(msgs []raft.Message) []raft.Message {
	if allLeaderTraffic(msgs) {
		n.queueMessages(msgs)
		return nil
	}
	var wait []raft.Message
	for _, m := range msgs {
		switch m.Type {
		case raft.MsgApp, raft.MsgHeartbeat, raft.MsgSnap:
			n.out.Messages = append(n.out.Messages, m)
		default:
			wait = append(wait, m)
		}
	}
	return wait
}

// allLeaderTraffic reports whether every message may leave before the persist batch (see
// sendLeaderTraffic): the usual case for a leader's Ready.
func allLeaderTraffic(msgs []raft.Message) bool {
	for _, m := range msgs {
		switch m.Type {
		case raft.MsgApp, raft.MsgHeartbeat, raft.MsgSnap:
		default:
			return false
		}
	}
	return true
}

// queueMessages copies msgs into the output: raft's Ready slices are valid only until its next Ready,
// and the host's Output until the node's next Ready.
func (n *Node) queueMessages(msgs []raft.Message) {
	n.out.Messages = append(n.out.Messages, msgs...)
}

// emitPersist hands b to the host as the one batch in flight. The batches alternate between two
// slots: batch k is overwritten by batch k+2, which is emitted only after Persisted(k+1), so the host
// has by then called Ready again (to learn of batch k+1) and reported batch k.
func (n *Node) emitPersist(b PersistBatch) {
	if b.HardState == n.hard {
		n.commitUnsaved = false // this batch writes the latest hard state
	}
	n.seq++
	b.Seq = n.seq
	slot := &n.batches[n.seq%2]
	*slot = b
	n.out.Persist = slot
	n.inFlight = true
}

// finish completes one Ready after its batch is durable: storage, messages, apply, reads, advance.
func (n *Node) finish(rd raft.Ready) {
	if !rd.Snapshot.IsEmpty() {
		if err := n.installSnapshot(rd.Snapshot); err != nil {
			n.fail(err)
			return
		}
	}
	if len(rd.Entries) > 0 {
		if n.cfg.Faults != nil {
			if last, _ := n.storage.LastIndex(); rd.Entries[0].Index <= last {
				n.cfg.Faults.Visit(faultpoint.NodeAfterTruncate)
			}
		}
		if err := n.storage.Append(rd.Entries); err != nil {
			n.fail(fmt.Errorf("node: append to memory log: %w", err))
			return
		}
	}
	if !rd.HardState.IsEmpty() {
		if err := n.storage.SetHardState(rd.HardState); err != nil {
			n.fail(fmt.Errorf("node: set hard state: %w", err))
			return
		}
	}
	n.queueMessages(rd.Messages)
	for _, e := range rd.CommittedEntries {
		n.applyEntry(e)
	}
	for _, rs := range rd.ReadStates {
		if len(rs.RequestCtx) == 8 {
			n.readQueue = append(n.readQueue, pendingRead{index: rs.Index, id: binary.BigEndian.Uint64(rs.RequestCtx)})
		}
	}
	n.raft.Advance(rd)
	n.serveReads()
	n.maybeSnapshot()
}

// serveReads answers quorum reads whose read index has been applied locally.
func (n *Node) serveReads() {
	kept := n.readQueue[:0]
	for _, pr := range n.readQueue {
		if pr.index > n.applied {
			n.cfg.Marks.Hit(mark.NodeReadWaitsForApply)
			kept = append(kept, pr)
			continue
		}
		if req, ok := n.reads[pr.id]; ok {
			delete(n.reads, pr.id)
			n.answerRead(*req)
		}
	}
	n.readQueue = kept
}

func (n *Node) answerRead(req Request) {
	if req.Kind == kindReadyProbe {
		n.reply(Reply{ID: req.ID}) // caught up with the cluster's commit index: nothing to read
		return
	}
	ev, err := n.store.Get(req.Key, req.Recursive, req.Sorted, req.Now)
	n.reply(Reply{ID: req.ID, Event: ev, Err: err, EtcdIndex: n.store.Index()})
}

func (n *Node) reply(r Reply) {
	if n.settle(r) {
		return
	}
	r.RaftIndex = n.hard.Commit
	r.RaftTerm = n.hard.Term
	if r.EtcdIndex == 0 && r.Err == nil {
		r.EtcdIndex = n.store.Index()
	}
	n.out.Replies = append(n.out.Replies, r)
}

// replyResult answers a retry of request id with its remembered result.
func (n *Node) replyResult(id uint64, r appliedResult) {
	n.reply(r.retryReply(id))
}

// resolve answers the waiter of request id, if this node holds one.
func (n *Node) resolve(id uint64, r appliedResult, m *Member) {
	if _, ok := n.waiters[id]; !ok {
		return
	}
	n.cfg.Faults.Visit(faultpoint.NodeBeforeReply)
	delete(n.waiters, id)
	rep := r.retryReply(id)
	rep.Member = m
	n.reply(rep)
}

// Get serves a default (local, possibly stale) read, as etcd does without quorum=true. A node whose
// storage failed applies nothing any more: it refuses to read its frozen state (ErrStorage).
func (n *Node) Get(key string, recursive, sorted bool, now int64) (*store.Event, error) {
	if n.failed != nil {
		return nil, n.failed
	}
	return n.store.Get(key, recursive, sorted, now)
}

// Watch registers a local watcher on the store (refused with ErrStorage once the storage failed).
func (n *Node) Watch(key string, recursive, stream bool, sinceIndex uint64) (*store.Watcher, error) {
	if n.failed != nil {
		return nil, n.failed
	}
	return n.store.Watch(key, recursive, stream, sinceIndex)
}

// GetInternal reads the store's internal namespace locally (auth records, members).
func (n *Node) GetInternal(path string, recursive bool) (*store.Event, error) {
	return n.store.GetInternal(path, recursive)
}

// Store exposes the node's key space for read-only inspection (stats, the lab's final checks).
func (n *Node) Store() *store.Store { return n.store }

// Status reports the node's current view.
func (n *Node) Status() Status {
	st := n.raft.Status()
	durable, _ := n.storage.LastIndex()
	lead, role := n.roleAndLead(st.SoftState)
	return Status{
		ID:        n.cfg.ID,
		Term:      st.HardState.Term,
		Vote:      st.HardState.Vote,
		Lead:      lead,
		Role:      role,
		Commit:    st.HardState.Commit,
		Applied:   n.applied,
		EtcdIndex: n.store.Index(),
		Members:   n.members.list(),
		Learners:  append([]uint64(nil), n.conf.Learners...),
		Removed:   n.selfRemoved,
		Failed:    n.failed,
		Ready:     n.ready.ready,
		Durable:   durable,
	}
}

// Brief reports the fields of Status a host polls after every input (term, leader, role, commit,
// applied, store index, failure) without building the member and learner lists.
func (n *Node) Brief() Brief {
	st := n.raft.Basic()
	durable, _ := n.storage.LastIndex() // MemoryStorage's never fails
	lead, role := n.roleAndLead(st.SoftState)
	return Brief{
		ID:        n.cfg.ID,
		Term:      st.HardState.Term,
		Vote:      st.HardState.Vote,
		Lead:      lead,
		Role:      role,
		Commit:    st.HardState.Commit,
		Applied:   n.applied,
		EtcdIndex: n.store.Index(),
		Removed:   n.selfRemoved,
		Failed:    n.failed,
		Ready:     n.ready.ready,
		Durable:   durable,

		MembershipVersion: n.membershipVersion,
	}
}

// roleAndLead is the role and leader a node reports: raft's, except that a node whose storage failed
// has stepped down. It no longer acts on raft at all (it neither campaigns nor votes, sends no
// heartbeats and appends nothing), so it is a follower that knows no leader, whatever role raft
// held when the disk failed.
func (n *Node) roleAndLead(ss raft.SoftState) (uint64, raft.Role) {
	if n.failed != nil {
		return 0, raft.RoleFollower
	}
	return ss.Lead, ss.Role
}

// LogEntries returns the log entries this node holds in memory after its last snapshot, as its raft
// sees them: entries not yet persisted are included, and an entry a conflicting append replaced is
// already the new one, so the log agrees with Status().Commit. (The persisted copy alone could still
// hold a replaced entry below a commit index raft has already moved past it.)
func (n *Node) LogEntries() []raft.Entry {
	return n.raft.Entries()
}

// Campaign makes this node start an election now (stories use it to pick a leader).
func (n *Node) Campaign() {
	if n.stopped() {
		return
	}
	_ = n.raft.Campaign()
	n.process()
}

// TransferLeadership asks the leader to hand over to transferee.
func (n *Node) TransferLeadership(transferee uint64) {
	if n.stopped() {
		return
	}
	n.raft.TransferLeadership(transferee)
	n.process()
}

// ReportSnapshot tells raft how the snapshot sent to member id ended (failed: it did not arrive),
// so that the leader goes back to probing it: with entries once it installed the snapshot, with
// another snapshot if it still needs one.
func (n *Node) ReportSnapshot(id uint64, failed bool) {
	if n.stopped() {
		return
	}
	n.raft.ReportSnapshot(id, failed)
	n.process()
}

// ReportUnreachable tells raft that a peer could not be reached (real transport).
func (n *Node) ReportUnreachable(id uint64) {
	if n.stopped() {
		return
	}
	n.raft.ReportUnreachable(id)
}
