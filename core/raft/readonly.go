package raft

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
