package node

import "slices"

// kindReadyProbe is the node's own read-index round (never submitted by a host): answered once this
// node has applied everything the cluster had committed when the round started.
const kindReadyProbe RequestKind = 255

// readiness is whether this member serves clients yet. A member is ready once its attributes (name
// and client URLs) are committed through raft and applied here: it publishes them once a leader is
// known and retries every election timeout until they commit, as etcd does before it serves
// anything. A member whose attributes are already recorded identically (a restart with the same
// name and URLs) publishes nothing: it is ready once a read-index round shows that it caught up
// with what the cluster had committed after it restarted. Once ready, a member stays ready.
type readiness struct {
	ready bool
	// id is the publish or read-index request in flight (0: none); no new attempt starts before
	// tick next.
	id   uint64
	next uint64
}

// maybeGetReady starts the next publish or read-index round when none is in flight and a leader is
// known. A member that joined waits until it has received the membership that lists it.
func (n *Node) maybeGetReady() {
	r := &n.ready
	if r.ready || r.id != 0 || n.tick < r.next || n.life.lead == 0 {
		return
	}
	self, ok := n.members.members[n.cfg.ID]
	if !ok {
		return
	}
	req := Request{ID: n.internalID(), Kind: kindReadyProbe}
	if n.cfg.Name != "" && (self.Name != n.cfg.Name || !slices.Equal(self.ClientURLs, n.cfg.ClientURLs)) {
		req.Kind = KindMemberPublish
		req.Member = Member{ID: n.cfg.ID, Name: n.cfg.Name, ClientURLs: slices.Clone(n.cfg.ClientURLs)}
	}
	r.id = req.ID
	n.track(req)
	n.dispatch(req)
}

// readinessAnswered handles the final reply to the publish or read-index round in flight.
func (n *Node) readinessAnswered(rep Reply) {
	r := &n.ready
	r.id = 0
	if rep.Err != nil {
		r.next = n.tick + uint64(n.cfg.ElectionTicks)
		return
	}
	r.ready = true
}

// internalID draws an ID for the node's own requests from its seeded source: the top bit set (hosts'
// sequential IDs stay below it) and 60 random bits, never one that is waiting already.
func (n *Node) internalID() uint64 {
	for {
		id := 1<<63 | uint64(n.cfg.Rand.Intn(1<<30))<<30 | uint64(n.cfg.Rand.Intn(1<<30))
		if _, busy := n.life.waiting[id]; !busy {
			return id
		}
	}
}
