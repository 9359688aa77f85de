package server

import (
	"context"
	"errors"
	"math/rand/v2"
	"slices"
	"strconv"
	"time"

	"github.com/raftlab/raftlab/core/node"
	"github.com/raftlab/raftlab/core/raft"
)

// loop is the state only the loop goroutine touches.
type loop struct {
	s       *Server
	rng     *rand.Rand
	waiters map[uint64]*waiting
	// parked are waiting requests the node could not propose yet (see retryable); they are
	// submitted again (same ID) at the next tick with a leader, like etcd blocks proposals during
	// an election.
	parked []uint64
	// peers are the transport's current peers and their addresses.
	peers map[uint64][]string

	tick            uint64
	lead            uint64
	published       bool
	publishID       uint64
	nextPublishTick uint64
	failureLogged   bool
	// leaderChanged asks the next tick to submit every waiting request again: a proposal a
	// follower forwarded to a leader that died is lost, and request IDs make the retry safe.
	leaderChanged bool

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

// waiting is a submitted request and where its reply goes.
type waiting struct {
	ctx      context.Context // the caller's; a caller that gave up is not retried for
	req      node.Request
	reply    chan node.Reply
	deadline uint64 // tick after which a parked request gives up
}

func newLoop(s *Server, rng *rand.Rand) *loop {
	return &loop{s: s, rng: rng, waiters: make(map[uint64]*waiting), peers: make(map[uint64][]string),
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
	for {
		select {
		case <-s.stop:
			l.answerAll(node.ErrStopped)
			return
		case now := <-ticker.C:
			l.onTick(now)
		case m := <-s.inbound:
			s.node.Step(m)
		case c := <-s.calls:
			l.submit(c)
		case removed := <-s.removedRes:
			l.removalCheck = false
			l.removedByPeers = removed
			s.log.Debug("removal check answered", "removed", removed)
		case r := <-s.persistRes:
			if r.err != nil {
				s.log.Error("WAL write failed: the member stops acknowledging writes", "seq", r.seq, "err", r.err)
			}
			s.node.Persisted(r.seq, r.err)
		}
		if !l.drain() {
			s.log.Warn("the member has been permanently removed from the cluster; stopping")
			s.exitErr = ErrRemovedMember
			l.answerAll(node.ErrRemoved)
			return
		}
	}
}

func (l *loop) onTick(now time.Time) {
	s := l.s
	l.tick++
	s.node.Tick(now.UnixNano())
	for _, id := range s.tr.Unreachable() {
		s.node.ReportUnreachable(id)
	}
	l.maybePublish()
	l.resubmitAfterLeaderChange()
	l.retryParked()
	l.maybeCheckRemoved()
}

// requestTimeoutTicks is how long a parked request waits for a leader: 5s plus two election
// timeouts, etcd's request timeout.
func (l *loop) requestTimeoutTicks() uint64 {
	return uint64((5*time.Second + 2*l.s.cfg.ElectionTimeout) / l.s.cfg.HeartbeatInterval)
}

// retryable errors mean that nothing was proposed and that a later attempt may succeed: no
// leader yet, a proposal dropped during a leader transfer, a configuration change still applying.
func retryable(err error) bool {
	return errors.Is(err, node.ErrNoLeader) || errors.Is(err, node.ErrDropped) || errors.Is(err, node.ErrConfPending)
}

// park keeps a request the node refused for want of a leader; false when its time is up.
func (l *loop) park(id uint64, w *waiting) bool {
	if w.deadline == 0 {
		w.deadline = l.tick + l.requestTimeoutTicks()
	}
	if l.tick >= w.deadline {
		return false
	}
	l.parked = append(l.parked, id)
	return true
}

// resubmitAfterLeaderChange submits every waiting request again (same ID) once a new leader is
// known. The node applies an ID at most once, so a request that did reach the log is not
// applied twice; one that was lost with the old leader gets proposed again.
func (l *loop) resubmitAfterLeaderChange() {
	if !l.leaderChanged || l.lead == 0 {
		return
	}
	l.leaderChanged = false
	l.parked = nil
	ids := make([]uint64, 0, len(l.waiters))
	for id := range l.waiters {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		l.retry(id, l.waiters[id])
	}
}

// retry submits a waiting request again, unless its caller has given up.
func (l *loop) retry(id uint64, w *waiting) {
	if w.ctx != nil && w.ctx.Err() != nil {
		delete(l.waiters, id)
		return
	}
	l.s.node.Submit(w.req)
}

// retryParked submits the parked requests again once a leader is known.
func (l *loop) retryParked() {
	if l.lead == 0 || len(l.parked) == 0 {
		return
	}
	ids := l.parked
	l.parked = nil
	for _, id := range ids {
		if w, ok := l.waiters[id]; ok {
			l.retry(id, w)
		}
	}
}

// maybeCheckRemoved asks the peers, in the background, whether this member was removed, once it
// has had no leader for an election timeout (and again every election timeout after that).
func (l *loop) maybeCheckRemoved() {
	st := l.s.status.Load()
	// A pre-candidate keeps its last leader's ID, so the role tells more than Lead alone.
	if st.Role == raft.RoleLeader || (st.Role == raft.RoleFollower && st.Lead != 0) {
		l.noLeaderTicks = 0
		return
	}
	l.noLeaderTicks++
	if l.noLeaderTicks < l.electionTicks || l.removalCheck || l.tick < l.nextRemovalCheck {
		return
	}
	var urls []string
	for _, m := range st.Members {
		if m.ID != l.s.meta.MemberID {
			urls = append(urls, m.PeerURLs...)
		}
	}
	if len(urls) == 0 {
		return
	}
	l.removalCheck = true
	l.nextRemovalCheck = l.tick + l.electionTicks
	l.s.log.Debug("no leader for an election timeout: asking peers whether this member was removed", "peers", urls)
	go func() {
		ctx, cancel := context.WithTimeout(l.s.ctx, 3*time.Second)
		defer cancel()
		l.s.removedRes <- askRemoved(ctx, l.s.cfg.peerHTTPClient(time.Second), urls, l.s.meta.MemberID, l.s.meta.ClusterID)
	}()
}

// submit gives a client request a fresh ID and hands it to the node.
func (l *loop) submit(c call) {
	req := c.req
	req.ID = l.newID()
	if err := l.checkReconfig(req); err != nil {
		c.reply <- node.Reply{ID: req.ID, Err: err}
		return
	}
	l.waiters[req.ID] = &waiting{ctx: c.ctx, req: req, reply: c.reply}
	l.s.node.Submit(req)
}

// newID draws a random request ID that is neither zero nor waiting already.
func (l *loop) newID() uint64 {
	for {
		id := l.rng.Uint64()
		if _, busy := l.waiters[id]; id != 0 && !busy && id != l.publishID {
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
	if len(out.Messages) > 0 {
		s.stats.sent(out.Messages)
		s.tr.Send(out.Messages)
	}
	// The status is published before any reply goes out, so a caller that got its answer sees a status at
	// least as new as that answer (a write refused for a failed disk finds Status().Failed already set).
	st := l.publishStatus()
	for _, r := range out.Replies {
		if r.ID == l.publishID && l.publishID != 0 {
			l.onPublished(r)
			continue
		}
		w, ok := l.waiters[r.ID]
		if !ok {
			continue
		}
		if retryable(r.Err) && l.park(r.ID, w) {
			continue
		}
		delete(l.waiters, r.ID)
		w.reply <- r
	}
	if st.Failed != nil && !l.failureLogged {
		l.failureLogged = true
		s.log.Error("storage failed: the member no longer acknowledges anything; /health reports unhealthy", "err", st.Failed)
	}
	if l.membersChanged {
		l.syncPeers()
	}
	return !st.Removed && !l.removedByPeers
}

// publishStatus refreshes the status the HTTP goroutines read. It runs after every loop step, so it
// takes the node's cheap Brief and rebuilds the member list only when the membership changed.
func (l *loop) publishStatus() node.Status {
	s := l.s
	b := s.node.Brief()
	var st node.Status
	l.membersChanged = !l.haveFull || b.MembershipVersion != l.membership
	if l.membersChanged {
		st = s.node.Status()
		l.membership, l.haveFull = b.MembershipVersion, true
	} else {
		st = *s.status.Load()
		st.Term, st.Vote, st.Lead, st.Role = b.Term, b.Vote, b.Lead, b.Role
		st.Commit, st.Applied, st.EtcdIndex = b.Commit, b.Applied, b.EtcdIndex
		st.Removed, st.Failed = b.Removed, b.Failed
	}
	if st.Lead != l.lead {
		if st.Lead != 0 {
			l.leaderChanged = l.lead != 0 || len(l.waiters) > 0
			s.leaderChanges.Add(1)
			s.stats.leaderChanged(st.Lead)
			s.log.Info("leader changed", "leader", strconv.FormatUint(st.Lead, 16), "term", st.Term)
		}
		l.lead = st.Lead
	}
	s.status.Store(&st)
	if cur := s.node.Store(); cur != s.store.Load() {
		s.store.Store(cur)
	}
	return st
}

// answerAll ends every waiting call with err.
func (l *loop) answerAll(err error) {
	for id, w := range l.waiters {
		w.reply <- node.Reply{ID: id, Err: err}
		delete(l.waiters, id)
	}
	l.parked = nil
}

// onPublished handles the reply to this member's publish request.
func (l *loop) onPublished(r node.Reply) {
	l.publishID = 0
	if r.Err != nil {
		l.s.log.Warn("failed to publish local member to cluster; will retry", "err", r.Err)
		l.nextPublishTick = l.tick + uint64(l.s.cfg.ElectionTimeout/l.s.cfg.HeartbeatInterval)
		return
	}
	l.published = true
	l.s.log.Info("published local member to cluster", "name", l.s.cfg.Name, "client-urls", l.s.cfg.ClientURLs)
}

// maybePublish proposes this member's name and client URLs once a leader is known, like etcd does
// after every start, and retries until it succeeds.
func (l *loop) maybePublish() {
	if l.published || l.publishID != 0 || l.tick < l.nextPublishTick || l.lead == 0 {
		return
	}
	st := l.s.status.Load()
	i := slices.IndexFunc(st.Members, func(m node.Member) bool { return m.ID == l.s.meta.MemberID })
	if i < 0 {
		return // a joining member waits until it has the membership
	}
	if cur := st.Members[i]; cur.Name == l.s.cfg.Name && slices.Equal(cur.ClientURLs, l.s.cfg.ClientURLs) {
		l.published = true // a restart with the same attributes: nothing to change
		return
	}
	l.publishID = l.newID()
	l.s.node.Submit(node.Request{ID: l.publishID, Kind: node.KindMemberPublish,
		Member: node.Member{ID: l.s.meta.MemberID, Name: l.s.cfg.Name, ClientURLs: l.s.cfg.ClientURLs}})
}

// checkReconfig applies --strict-reconfig-check: an add must leave the started members a quorum
// of the grown cluster, and a remove must leave enough started members for the shrunk one.
func (l *loop) checkReconfig(req node.Request) error {
	if !l.s.cfg.StrictReconfigCheck {
		return nil
	}
	st := l.s.status.Load()
	started := 0
	for _, m := range st.Members {
		if m.Name != "" && !slices.Contains(st.Learners, m.ID) && !(req.Kind == node.KindMemberRemove && m.ID == req.MemberID) {
			started++
		}
	}
	voters := len(st.Members) - len(st.Learners)
	switch req.Kind {
	case node.KindMemberAdd:
		voters++
	case node.KindMemberRemove:
		if !slices.ContainsFunc(st.Members, func(m node.Member) bool { return m.ID == req.MemberID }) ||
			slices.Contains(st.Learners, req.MemberID) {
			return nil // the node gives the precise error (not found, removed) or removes a learner
		}
		voters--
	default:
		return nil
	}
	// etcd's exception: a one-member cluster may always grow to two (restoring from a backup).
	if req.Kind == node.KindMemberAdd && started == 1 && voters == 2 {
		return nil
	}
	if started < voters/2+1 {
		return ErrNotEnoughStartedMembers
	}
	return nil
}

// syncPeers keeps the transport's peers equal to the membership (or, before the node knows it,
// to the members recorded at bootstrap).
func (l *loop) syncPeers() {
	s := l.s
	members := s.status.Load().Members
	if len(members) == 0 {
		members = s.meta.InitialMembers
	}
	want := make(map[uint64][]string, len(members))
	for _, m := range members {
		if m.ID != s.meta.MemberID {
			want[m.ID] = hostPorts(m.PeerURLs)
		}
	}
	for id, addrs := range want {
		if cur, ok := l.peers[id]; !ok || !slices.Equal(cur, addrs) {
			s.tr.AddPeer(id, addrs)
			l.peers[id] = addrs
			s.log.Info("peer added or updated", "peer", strconv.FormatUint(id, 16), "addrs", addrs)
		}
	}
	for id := range l.peers {
		if _, ok := want[id]; !ok {
			s.tr.RemovePeer(id)
			delete(l.peers, id)
			s.log.Info("peer removed", "peer", strconv.FormatUint(id, 16))
		}
	}
}

// hostPorts turns peer URLs into the transport's host:port addresses.
func hostPorts(urls []string) []string {
	out := make([]string, 0, len(urls))
	for _, u := range urls {
		out = append(out, hostPort(u))
	}
	return out
}
