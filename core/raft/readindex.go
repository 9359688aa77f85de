package raft

import (
	"errors"
	"slices"

	"github.com/raftlab/raftlab/core/mark"
)

// readIndexStatus is one read-index request waiting for a heartbeat quorum.
type readIndexStatus struct {
	req   Message
	index uint64
	acks  []uint64 // the members that answered a heartbeat carrying the request's context
}

// readOnly tracks read-index requests in arrival order, keyed by their context. Statuses of served
// requests are kept for reuse (free), and so is the slice advance returns (done).
type readOnly struct {
	pending map[string]*readIndexStatus
	queue   []string
	free    []*readIndexStatus
	done    []*readIndexStatus
}

func newReadOnly() *readOnly { return &readOnly{pending: map[string]*readIndexStatus{}} }

// add queues a request that may be served once index is applied and a quorum confirmed leadership.
func (ro *readOnly) add(index uint64, m Message) {
	if _, ok := ro.pending[string(m.Context)]; ok {
		return
	}
	key := string(m.Context)
	var rs *readIndexStatus
	if k := len(ro.free); k > 0 {
		rs, ro.free = ro.free[k-1], ro.free[:k-1]
	} else {
		rs = &readIndexStatus{}
	}
	rs.req, rs.index = m, index
	ro.pending[key] = rs
	ro.queue = append(ro.queue, key)
}

// recvAck records that id answered the heartbeat carrying ctx and returns the acks so far.
func (ro *readOnly) recvAck(id uint64, ctx []byte) []uint64 {
	rs, ok := ro.pending[string(ctx)]
	if !ok {
		return nil
	}
	if !slices.Contains(rs.acks, id) {
		rs.acks = append(rs.acks, id)
	}
	return rs.acks
}

// advance removes and returns every request up to and including the one with ctx: a quorum that
// answered a later heartbeat also confirms the earlier requests. The result is valid until the next
// call to advance or release.
func (ro *readOnly) advance(ctx []byte) []*readIndexStatus {
	i := slices.Index(ro.queue, string(ctx))
	if i < 0 {
		return nil
	}
	done := ro.done[:0]
	for _, k := range ro.queue[:i+1] {
		done = append(done, ro.pending[k])
		delete(ro.pending, k)
	}
	n := copy(ro.queue, ro.queue[i+1:])
	clear(ro.queue[n:])
	ro.queue = ro.queue[:n]
	ro.done = done
	return done
}

// release takes back the statuses advance returned once their requests were answered.
func (ro *readOnly) release(done []*readIndexStatus) {
	for _, rs := range done {
		*rs = readIndexStatus{acks: rs.acks[:0]}
		ro.free = append(ro.free, rs)
	}
	clear(done)
}

// lastPendingContext is the context of the newest request, carried by heartbeats.
func (ro *readOnly) lastPendingContext() []byte {
	if len(ro.queue) == 0 {
		return nil
	}
	return ro.pending[ro.queue[len(ro.queue)-1]].req.Context
}

// ErrReadIndexEmptyContext is returned by ReadIndex for an empty request context.
var ErrReadIndexEmptyContext = errors.New("raft: read index needs a non-empty request context")

// leaderReadIndex records the commit index as the read point and starts a heartbeat round to
// confirm leadership; until its own no-op commits, a new leader defers the request.
func (r *raft) leaderReadIndex(m Message) error {
	if len(m.Context) == 0 {
		return ErrReadIndexEmptyContext
	}
	if !r.committedEntryInCurrentTerm() {
		// Our commit index may be stale until our own no-op commits: defer.
		r.marks.Hit(mark.RaftReadIndexDeferred)
		r.pendingReadIndexMsgs = append(r.pendingReadIndexMsgs, m)
		return nil
	}
	r.readOnly.add(r.log.committed, m)
	r.confirmRead(r.id, m.Context)
	r.bcastHeartbeat(m.Context)
	return nil
}

// confirmRead counts a heartbeat acknowledgement for the read with ctx and serves every read that
// a voter quorum has now confirmed.
func (r *raft) confirmRead(from uint64, ctx []byte) {
	acks := r.readOnly.recvAck(from, ctx)
	if acks == nil {
		return
	}
	n := 0
	for _, id := range r.voters {
		if slices.Contains(acks, id) {
			n++
		}
	}
	if n < r.quorum() {
		return
	}
	done := r.readOnly.advance(ctx)
	r.marks.HitIf(len(done) > 1, mark.RaftReadIndexBatched)
	for _, rs := range done {
		r.respondRead(rs.req, rs.index)
	}
	r.readOnly.release(done)
}

func (r *raft) respondRead(req Message, index uint64) {
	if req.From == None || req.From == r.id {
		r.readStates = append(r.readStates, ReadState{Index: index, RequestCtx: req.Context})
		return
	}
	r.send(Message{To: req.From, Type: MsgReadIndexResp, Index: index, Context: req.Context})
}

func (r *raft) releasePendingReads() {
	if !r.committedEntryInCurrentTerm() || r.state != RoleLeader {
		return
	}
	msgs := r.pendingReadIndexMsgs
	r.pendingReadIndexMsgs = nil
	for _, m := range msgs {
		_ = r.leaderReadIndex(m)
	}
}
