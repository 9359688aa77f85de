package node

import (
	"errors"
	"slices"

	"github.com/raftlab/raftlab/core/mark"
)

// lifecycle follows every submitted request from Submit to the one reply the host gets for it.
// A request refused for want of a leader (no leader known, a proposal dropped during a leader
// transfer, a configuration change still applying) is parked instead of answered, and submitted
// again (same ID) once a leader is known; after a leader change every waiting request is submitted
// again, because a proposal a follower forwarded to a leader that died is lost with it. Request IDs
// make that safe: a replica applies an ID at most once and a retry gets the result of that one
// application. A membership change forwarded to the leader is also sent again every half election
// timeout while it waits: the leader drops one that comes while another is applying. A request is answered with its last refusal (or ErrTimeout) once RequestTimeoutTicks
// passed since it was first submitted, as etcd answers after its request timeout.
type lifecycle struct {
	// waiting holds every request submitted and not answered yet, by ID. The records are recycled
	// through free: a map stores a value this large out of line, so a fresh record per request
	// would cost an allocation each.
	waiting map[uint64]*waitingRequest
	free    []*waitingRequest
	// parked are the IDs of waiting requests that were refused for want of a leader, in the order
	// they were refused (an ID may linger after its request was answered: it is skipped).
	parked []uint64
	// resend are the IDs of membership changes this node forwarded to the leader, to be sent again
	// at their resendAt tick while they wait (an ID may linger after its request was answered).
	resend []uint64
	// lead is the leader the node saw last and term the term it saw it in; leaderChanged asks the
	// next tick to submit every waiting request again.
	lead          uint64
	term          uint64
	leaderChanged bool
}

// waitingRequest is a submitted request until its reply.
type waitingRequest struct {
	req Request
	// deadline is the tick at which the request is answered whatever happens to it.
	deadline uint64
	// refusal is why the request is parked (nil while it is not).
	refusal error
	// resendAt is the tick at which a forwarded membership change is sent again (0: none due).
	resendAt uint64
}

func newLifecycle() lifecycle {
	return lifecycle{waiting: make(map[uint64]*waitingRequest)}
}

// add records req as waiting until tick deadline.
func (l *lifecycle) add(req Request, deadline uint64) {
	var w *waitingRequest
	if k := len(l.free); k > 0 {
		w, l.free = l.free[k-1], l.free[:k-1]
	} else {
		w = new(waitingRequest)
	}
	*w = waitingRequest{req: req, deadline: deadline}
	l.waiting[req.ID] = w
}

// remove forgets waiting request id and keeps its record for reuse.
func (l *lifecycle) remove(id uint64) {
	if w, ok := l.waiting[id]; ok {
		delete(l.waiting, id)
		*w = waitingRequest{}
		l.free = append(l.free, w)
	}
}

// retryable reports whether err means that nothing was proposed and that a later attempt may
// succeed.
func retryable(err error) bool {
	return errors.Is(err, ErrNoLeader) || errors.Is(err, ErrDropped) || errors.Is(err, ErrConfPending)
}

// Submit hands a client request to the node. Its one reply comes out of Ready, matched by ID: the
// result, a definite refusal, or, after RequestTimeoutTicks, ErrTimeout or the refusal (such as
// ErrNoLeader) that kept it waiting. A request submitted again with an ID that is still waiting is a
// retry of it: it is proposed again and answered once.
func (n *Node) Submit(req Request) {
	if err := n.stopErr(); err != nil {
		n.reply(Reply{ID: req.ID, Err: err})
		n.process()
		return
	}
	if err := n.checkReconfig(req); err != nil {
		n.reply(Reply{ID: req.ID, Err: err})
		n.process()
		return
	}
	n.track(req)
	n.dispatch(req)
	n.process()
}

// track makes req a waiting request, unless it waits already (a retry keeps its first deadline).
func (n *Node) track(req Request) {
	if _, ok := n.life.waiting[req.ID]; ok {
		return
	}
	n.life.add(req, n.tick+uint64(n.cfg.RequestTimeoutTicks))
}

// Cancel tells the node that the caller of request id gave up (its client went away): the request is
// no longer parked or submitted again, and a write not proposed yet is not proposed. A proposal
// already in the log may still be applied; its reply, if any, carries an ID nobody waits for.
func (n *Node) Cancel(id uint64) {
	if _, ok := n.life.waiting[id]; !ok || id == n.ready.id {
		return
	}
	n.cfg.Marks.Hit(mark.NodeRequestCanceled)
	n.life.remove(id)
	delete(n.waiters, id)
	delete(n.reads, id)
}

// settle decides what becomes of reply r: false lets it out to the host, true keeps it in the
// node (the request is parked, or it was the node's own readiness request).
func (n *Node) settle(r Reply) bool {
	w, ok := n.life.waiting[r.ID]
	if !ok {
		return false
	}
	if retryable(r.Err) && n.tick < w.deadline && n.stopErr() == nil {
		if w.refusal == nil {
			n.cfg.Marks.Hit(mark.NodeRequestParked)
			n.life.parked = append(n.life.parked, r.ID)
		}
		w.refusal = r.Err
		return true
	}
	n.life.remove(r.ID)
	if r.ID == n.ready.id {
		n.readinessAnswered(r)
		return true
	}
	return false
}

// deadlineOf is the tick at which request id is answered at the latest.
func (n *Node) deadlineOf(id uint64) uint64 {
	if w, ok := n.life.waiting[id]; ok {
		return w.deadline
	}
	return n.tick + uint64(n.cfg.RequestTimeoutTicks)
}

// noteLeader records the leader raft reports and its term; a new leader (after another one, or
// while requests wait) makes the next tick submit every waiting request again. A leadership is the
// pair (leader, term): a leader that restarted and won the next election is a new leadership under
// the same ID, and a follower that did not vote in that election learns of it from the leader's
// first append without ever seeing a term without a leader (raft then reports no change of leader).
// What was forwarded to it before its restart is lost all the same.
func (n *Node) noteLeader(lead, term uint64) {
	if lead == n.life.lead && (lead == 0 || term == n.life.term) {
		return
	}
	if lead != 0 && (n.life.lead != 0 || len(n.life.waiting) > 0) {
		n.life.leaderChanged = true
	}
	n.life.lead, n.life.term = lead, term
}

// advanceLifecycle is the lifecycle's share of a tick: resubmissions, parked requests whose time is
// up, and this member's readiness.
func (n *Node) advanceLifecycle() {
	if n.life.lead != 0 {
		if n.life.leaderChanged {
			n.resubmitAll()
		} else {
			n.retryParked()
		}
	}
	n.resendForwarded()
	n.expireParked()
	n.maybeGetReady()
}

// forwarded notes that membership change id went to the leader in a message: the leader refuses
// one while another is still applying (and, after an election, until it applied its predecessor's
// log) without telling the follower that forwarded it, so the follower sends it again every half
// election timeout until it is answered. A change proposed twice is applied once (by request ID).
func (n *Node) forwarded(id uint64) {
	w, ok := n.life.waiting[id]
	if !ok || w.resendAt != 0 {
		return
	}
	w.resendAt = n.tick + uint64(max(1, n.cfg.ElectionTicks/2))
	n.life.resend = append(n.life.resend, id)
}

// resendForwarded sends again the forwarded membership changes whose resendAt tick came.
func (n *Node) resendForwarded() {
	if len(n.life.resend) == 0 {
		return
	}
	ids := n.life.resend
	n.life.resend = nil
	var due []uint64
	for _, id := range ids {
		w, ok := n.life.waiting[id]
		switch {
		case !ok || w.resendAt == 0:
		case n.tick < w.resendAt:
			n.life.resend = append(n.life.resend, id)
		default:
			w.resendAt = 0
			due = append(due, id)
		}
	}
	for _, id := range due {
		n.redispatch(id)
	}
}

// resubmitAll submits every waiting request again, in ID order, once a new leader is known. A
// write still queued for the next proposal is left alone: it has not been proposed anywhere yet.
func (n *Node) resubmitAll() {
	n.life.leaderChanged = false
	n.life.parked = n.life.parked[:0]
	ids := make([]uint64, 0, len(n.life.waiting))
	for id := range n.life.waiting {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	n.cfg.Marks.HitIf(len(ids) > 0, mark.NodeRequestsResubmitted)
	var queued map[uint64]bool
	if len(n.queued) > 0 {
		queued = make(map[uint64]bool, len(n.queued))
		for _, q := range n.queued {
			queued[q.id] = true
		}
	}
	for _, id := range ids {
		if queued[id] {
			continue
		}
		n.redispatch(id)
	}
}

// retryParked submits the parked requests again, in the order they were refused.
func (n *Node) retryParked() {
	if len(n.life.parked) == 0 {
		return
	}
	n.cfg.Marks.Hit(mark.NodeParkedRetried)
	ids := slices.Clone(n.life.parked)
	n.life.parked = n.life.parked[:0]
	for _, id := range ids {
		n.redispatch(id)
	}
}

// redispatch submits waiting request id again (a read-index round is started again too: the one
// in flight may have been lost with the old leader).
func (n *Node) redispatch(id uint64) {
	w, ok := n.life.waiting[id]
	if !ok {
		return
	}
	w.refusal = nil
	if w.req.Kind == KindQuorumGet || w.req.Kind == kindReadyProbe {
		delete(n.reads, id)
	}
	n.dispatch(w.req)
}

// expireParked answers every parked request whose time is up with the refusal that parked it.
func (n *Node) expireParked() {
	kept := n.life.parked[:0]
	for _, id := range n.life.parked {
		w, ok := n.life.waiting[id]
		switch {
		case !ok || w.refusal == nil:
		case n.tick >= w.deadline:
			n.cfg.Marks.Hit(mark.NodeParkedExpired)
			n.reply(Reply{ID: id, Err: w.refusal})
		default:
			kept = append(kept, id)
		}
	}
	clear(n.life.parked[len(kept):])
	n.life.parked = kept
}

// answerWaiting answers every request the lifecycle still holds with err (the node stopped), in ID
// order.
func (n *Node) answerWaiting(err error) {
	ids := make([]uint64, 0, len(n.life.waiting))
	for id := range n.life.waiting {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		n.reply(Reply{ID: id, Err: err})
	}
	n.life.parked = nil
}
