package server

import (
	"math/rand/v2"
	"slices"
	"time"

	"github.com/raftlab/raftlab/core/node"
)

// loop is the state only the loop goroutine touches. It holds no request logic: parking,
// resubmission, publishing and readiness are core/node's (so that the simulator runs them); the
// loop moves inputs and outputs between the node and the sockets, timers and persister.
type loop struct {
	s   *Server
	rng *rand.Rand
	// waiting are the callers of submitted requests, by request ID.
	waiting map[uint64]call
	// peers are the transport's current peers and their addresses.
	peers map[uint64][]string

	tick          uint64
	lead          uint64
	ready         bool
	failureLogged bool

	electionTicks    uint64
	noLeaderTicks    uint64
	removalCheck     bool // a "was I removed?" check is running
	nextRemovalCheck uint64
	removedByPeers   bool

	// membership is the node's MembershipVersion when the full status and the transport's peers
	// were last rebuilt; haveFull says a full status was taken at all.
	membership     uint64
	haveFull       bool
	membersChanged bool
}

func newLoop(s *Server, rng *rand.Rand) *loop {
	return &loop{s: s, rng: rng, waiting: make(map[uint64]call), peers: make(map[uint64][]string),
		electionTicks: uint64(s.cfg.ElectionTimeout / s.cfg.HeartbeatInterval)}
}

// run is the member's one goroutine that drives the node.
func (l *loop) run() {
	s := l.s
	ticker := time.NewTicker(s.cfg.HeartbeatInterval)
	defer ticker.Stop()
	defer close(s.loopDone)
	defer close(s.persistReq)
	l.drain()
	for round := 1; ; round++ {
		if round%fullSelectEvery == 0 || !l.takeFrequent(round) {
			if l.waitAny(ticker) {
				return
			}
		}
		if !l.drain() {
			s.log.Warn("the member has been permanently removed from the cluster; stopping")
			s.exitErr = ErrRemovedMember
			l.answerAll(node.ErrRemoved)
			return
		}
	}
}

// fullSelectEvery is how often, in rounds, the loop waits on all of its inputs even though a
// frequent one is ready, so that ticks, a stop and the rarer results are never starved.
const fullSelectEvery = 16

// takeFrequent takes one input of the frequent kinds (a written batch, a peer message, a call) if
// one is ready, each by a one-channel receive that does not block: a select over all seven inputs
// locks every one of their channels, and under load the loop goes round once per request. The kind
// tried first turns with the round, so that none waits behind a steady stream of another.
func (l *loop) takeFrequent(round int) bool {
	for k := range 3 {
		if l.takeKind((round + k) % 3) {
			return true
		}
	}
	return false
}

// takeKind takes one input of frequent kind k (0 a written batch, 1 a peer message, 2 a call) if
// one is ready.
func (l *loop) takeKind(k int) bool {
	s := l.s
	switch k {
	case 0:
		select {
		case r := <-s.persistRes:
			l.persisted(r)
			return true
		default:
		}
	case 1:
		select {
		case m := <-s.inbound:
			s.node.Step(m)
			return true
		default:
		}
	default:
		select {
		case c := <-s.calls:
			l.submit(c)
			return true
		default:
		}
	}
	return false
}

// waitAny waits for any input and acts on it; true means the loop was told to stop.
func (l *loop) waitAny(ticker *time.Ticker) bool {
	s := l.s
	select {
	case <-s.stop:
		l.answerAll(node.ErrStopped)
		return true
	case now := <-ticker.C:
		l.onTick(now)
	case m := <-s.inbound:
		s.node.Step(m)
	case c := <-s.calls:
		l.submit(c)
	case <-s.abandoned:
		l.cancelAbandoned()
	case removed := <-s.removedRes:
		l.removalCheck = false
		l.removedByPeers = removed
		s.log.Debug("removal check answered", "removed", removed)
	case e := <-s.encoded:
		s.node.SnapshotEncoded(e.job, e.data, e.err)
	case r := <-s.persistRes:
		l.persisted(r)
	}
	return false
}

// persisted reports a written batch to the node.
func (l *loop) persisted(r persistResult) {
	if r.err != nil {
		l.s.log.Error("WAL write failed: the member stops acknowledging writes", "seq", r.seq, "err", r.err)
	}
	l.s.node.Persisted(r.seq, r.err)
}

func (l *loop) onTick(now time.Time) {
	s := l.s
	l.tick++
	s.node.Tick(now.UnixNano())
	for _, id := range s.tr.Unreachable() {
		s.node.ReportUnreachable(id)
	}
	for _, r := range s.tr.SnapshotReports() {
		s.node.ReportSnapshot(r.To, r.Failed)
	}
	l.cancelAbandoned()
	l.maybeCheckRemoved()
}

// cancelAbandoned tells the node about callers that gave up (their context ended), so that it
// stops resubmitting their requests: at every tick, and as soon as a caller gives up (abandoned).
func (l *loop) cancelAbandoned() {
	for id, c := range l.waiting {
		if c.ctx != nil && c.ctx.Err() != nil {
			l.s.node.Cancel(id)
			delete(l.waiting, id)
		}
	}
}

// submit gives a client request a fresh ID and hands it to the node.
func (l *loop) submit(c call) {
	c.req.ID = l.newID()
	l.waiting[c.req.ID] = c
	l.s.node.Submit(c.req)
}

// newID draws a random request ID that is neither zero nor waiting already, below 1<<63 (the node's
// own requests use the IDs above).
func (l *loop) newID() uint64 {
	for {
		id := l.rng.Uint64() >> 1
		if _, busy := l.waiting[id]; id != 0 && !busy {
			return id
		}
	}
}

// drain acts on everything the node produced; false means this member was removed.
func (l *loop) drain() bool {
	s := l.s
	out := s.node.Ready()
	if out.Persist != nil {
		b := *out.Persist
		b.Entries = slices.Clone(b.Entries) // raft may grow its slice while the persister writes
		s.persistReq <- &b
	}
	if out.Encode != nil {
		s.encoding.Add(1)
		go s.encodeSnapshot(out.Encode)
	}
	if len(out.Messages) > 0 {
		s.stats.sent(out.Messages)
		s.tr.Send(out.Messages)
	}
	// The status is published before any reply goes out, so a caller that got its answer sees a status at
	// least as new as that answer (a write refused for a failed disk finds Status().Failed already set).
	st := l.publishStatus()
	for _, r := range out.Replies {
		if c, ok := l.waiting[r.ID]; ok {
			delete(l.waiting, r.ID)
			c.reply <- r
		}
	}
	if st.Ready && !l.ready {
		l.ready = true
		close(s.ready)
		s.log.Info("published local member to cluster; serving clients", "name", s.meta.Name, "client-urls", s.cfg.ClientURLs)
	}
	if st.Failed != nil && !l.failureLogged {
		l.failureLogged = true
		s.log.Error("storage failed: the member no longer acknowledges anything, refuses every read and has stepped down; /health reports unhealthy", "err", st.Failed)
	}
	if l.membersChanged {
		l.syncPeers()
	}
	return !st.Removed && !l.removedByPeers
}

// answerAll ends every waiting call with err.
func (l *loop) answerAll(err error) {
	for id, c := range l.waiting {
		c.reply <- node.Reply{ID: id, Err: err}
		delete(l.waiting, id)
	}
}
