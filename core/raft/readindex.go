package raft

import "errors"

// readIndexStatus is one read-index request waiting for a heartbeat quorum.
type readIndexStatus struct {
	req   Message
	index uint64
	acks  map[uint64]bool
}

// readOnly tracks read-index requests in arrival order, keyed by their context.
type readOnly struct {
	pending map[string]*readIndexStatus
	queue   []string
}

func newReadOnly() *readOnly { return &readOnly{pending: map[string]*readIndexStatus{}} }

// add queues a request that may be served once index is applied and a quorum confirmed leadership.
func (ro *readOnly) add(index uint64, m Message) {
	key := string(m.Context)
	if _, ok := ro.pending[key]; ok {
		return
	}
	ro.pending[key] = &readIndexStatus{req: m, index: index, acks: map[uint64]bool{}}
	ro.queue = append(ro.queue, key)
}

// recvAck records that id answered the heartbeat carrying ctx and returns the acks so far.
func (ro *readOnly) recvAck(id uint64, ctx []byte) map[uint64]bool {
	rs, ok := ro.pending[string(ctx)]
	if !ok {
		return nil
	}
	rs.acks[id] = true
	return rs.acks
}

// advance removes and returns every request up to and including the one with ctx: a quorum that
// answered a later heartbeat also confirms the earlier requests.
func (ro *readOnly) advance(ctx []byte) []*readIndexStatus {
	key := string(ctx)
	for i, k := range ro.queue {
		if k != key {
			continue
		}
		done := make([]*readIndexStatus, 0, i+1)
		for _, kk := range ro.queue[:i+1] {
			done = append(done, ro.pending[kk])
			delete(ro.pending, kk)
		}
		ro.queue = append([]string(nil), ro.queue[i+1:]...)
		return done
	}
	return nil
}

// lastPendingContext is the context of the newest request, carried by heartbeats.
func (ro *readOnly) lastPendingContext() []byte {
	if len(ro.queue) == 0 {
		return nil
	}
	return []byte(ro.queue[len(ro.queue)-1])
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
		if acks[id] {
			n++
		}
	}
	if n < r.quorum() {
		return
	}
	for _, rs := range r.readOnly.advance(ctx) {
		r.respondRead(rs.req, rs.index)
	}
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
