package nodehost

import (
	"fmt"
	"strconv"

	"github.com/raftlab/raftlab/core/node"
	"github.com/raftlab/raftlab/core/raft"
	"github.com/raftlab/raftlab/core/store"
	"github.com/raftlab/raftlab/core/v2keys"
	"github.com/raftlab/raftlab/netsim"
)

// raftRand adapts a seeded math/rand/v2 generator to raft.Rand.
type raftRand struct{ next func(int) int }

// Intn returns a uniform integer in [0, n) from the node's seeded generator.
func (r raftRand) Intn(n int) int { return r.next(n) }

// member is a simulated node as the cluster first knows it: its name and peer URL, as kvd's
// --initial-cluster gives them (URLs are names, never dialled). Its client URLs are its own to
// publish once it runs (see clientURLs).
func member(m netsim.MemberSpec) node.Member {
	return node.Member{ID: m.ID, Name: m.Name, PeerURLs: []string{"http://" + m.Name + ":2380"}}
}

// clientURLs are the client URLs a simulated node publishes.
func clientURLs(name string) []string { return []string{"http://" + name + ":2379"} }

// NewProcess returns a factory that starts a core/node.Node per simulated node.
func NewProcess(opts Options) netsim.ProcessFactory {
	return func(spec netsim.ProcessSpec) (netsim.Process, error) {
		members := make([]node.Member, 0, len(spec.Members))
		for _, m := range spec.Members {
			members = append(members, member(m))
		}
		clusterID := opts.ClusterID
		if clusterID == 0 {
			clusterID = 0x1000
		}
		cfg := node.Config{
			ID: spec.ID, ClusterID: clusterID, InitialMembers: members, Join: spec.Join,
			Name: spec.Name, ClientURLs: clientURLs(spec.Name),
			ElectionTicks: opts.ElectionTicks, HeartbeatTicks: opts.HeartbeatTicks,
			TickInterval: spec.TickInterval, SnapshotCount: opts.SnapshotCount,
			SnapshotCatchUpEntries: opts.SnapshotCatchUpEntries, RequestTimeoutTicks: opts.RequestTimeoutTicks,
			DisablePreVote: opts.DisablePreVote, DisableCheckQuorum: opts.DisableCheckQuorum,
			MaxSizePerMsg: opts.MaxSizePerMsg, MaxInflightMsgs: opts.MaxInflightMsgs,
			Rand: raftRand{next: spec.Rand.IntN}, Bugs: opts.Bugs, Faults: spec.Faults, Marks: opts.Marks,
			StrictReconfigCheck: opts.StrictReconfigCheck,
			// As kvd's server has it, so that the simulator runs the same snapshot schedule.
			SnapshotStagger: true,
		}
		var durable *node.DurableState
		if d := spec.Durable; d != nil {
			durable = &node.DurableState{HardState: d.HardState, Snapshot: d.Snapshot, Entries: d.Entries}
		}
		n, err := node.New(cfg, durable)
		if err != nil {
			return nil, fmt.Errorf("nodehost: start %s: %w", spec.Name, err)
		}
		return &Process{n: n, clocks: opts.LeaderClocks}, nil
	}
}

// Process is the netsim.Process of one real node.
type Process struct {
	n *node.Node
	// batch and replies back the Output of Ready, reused from call to call (netsim.Output says the
	// host is done with an Output before it calls Ready again).
	batch   netsim.PersistBatch
	replies []netsim.Reply
	// clocks, when set, records this node's tick readings as leader.
	clocks *ClockLog
	// early are the answers the API gave without submitting the request to the node (a refused
	// request, a read it served locally).
	early []netsim.Reply
	// members are the membership changes in flight, answered as the members API's requests, answered
	// in its bytes.
	members map[uint64]node.Request
}

// Node is the real node inside.
func (p *Process) Node() *node.Node { return p.n }

// Tick implements netsim.Process.
func (p *Process) Tick(now int64) {
	if p.clocks == nil {
		p.n.Tick(now)
		return
	}
	led := p.n.Brief().Role == raft.RoleLeader
	p.n.Tick(now)
	if led || p.n.Brief().Role == raft.RoleLeader {
		p.clocks.add(now)
	}
}

// Step implements netsim.Process.
func (p *Process) Step(m raft.Message) { p.n.Step(m) }

// Submit translates the request and hands it to the node: membership changes through the members API
// (v2members) and key-space requests through the keys API (v2keys), answered as the API
// answers them: in bytes, which the simulated client reads as an HTTP client does.
func (p *Process) Submit(req netsim.Request) {
	if req.Kind.IsMember() {
		call, refused := translateMembers(req)
		if refused != nil {
			p.early = append(p.early, membersAnswer(req.ID, *refused))
			return
		}
		if p.members == nil {
			p.members = map[uint64]node.Request{}
		}
		p.members[req.ID] = call.Request
		p.n.Submit(call.Request)
		return
	}
	call, err := translate(req)
	switch {
	case err != nil:
		p.early = append(p.early, answer(req.ID, v2keys.ErrorResponse(err)))
		return
	case call.Route == v2keys.RouteLocalGet:
		p.early = append(p.early, p.localGet(req.ID, call.Request)) // a GET without quorum=true
		return
	case call.Route != v2keys.RouteSubmit:
		p.early = append(p.early, errorAnswer(req.ID, fmt.Errorf("nodehost: the API does not submit a %s", req.Kind)))
		return
	}
	p.n.Submit(call.Request)
}

// Read serves a local read, as the keys API's GET without quorum=true does.
func (p *Process) Read(req netsim.Request) netsim.Reply {
	call, err := translate(req)
	if err != nil {
		return answer(req.ID, v2keys.ErrorResponse(err))
	}
	return p.localGet(req.ID, call.Request)
}

// localGet answers a read from the local store as the API does.
func (p *Process) localGet(id uint64, r node.Request) netsim.Reply {
	ev, err := p.n.Get(r.Key, r.Recursive, r.Sorted, r.Now)
	if err != nil {
		return errorAnswer(id, err)
	}
	st := p.n.Brief()
	return answer(id, v2keys.EventResponse(ev, ev.EtcdIndex, st.Commit, st.Term, false))
}

// Watch opens a stream watcher on the node's store through the keys API's translation of the
// GET ?wait=true&stream=true a v2 client sends; a refused watch is answered as the API answers it.
func (p *Process) Watch(key string, recursive bool, sinceIndex uint64) (netsim.WatchStream, error) {
	call, perr := v2keys.Translate("GET", key, watchRequest(key, recursive, sinceIndex), 0, v2keys.DefaultLimits())
	if perr != nil {
		resp := v2keys.ErrorResponse(perr)
		return nil, &netsim.RefusedWatch{Wire: resp.Wire(nil)}
	}
	if call.Route != v2keys.RouteWatch {
		return nil, fmt.Errorf("nodehost: the API does not serve a watch of %s as one", key)
	}
	w, err := p.n.Watch(call.Request.Key, call.Request.Recursive, call.Stream, call.WaitIndex)
	if err != nil {
		e, _ := v2keys.ErrorFor(err)
		resp := v2keys.ErrorResponse(e)
		return nil, &netsim.RefusedWatch{Wire: resp.Wire(nil)}
	}
	return &watchStream{w: w}, nil
}

// Ready translates the node's outputs.
func (p *Process) Ready() netsim.Output {
	out := p.n.Ready()
	var o netsim.Output
	if b := out.Persist; b != nil {
		p.batch = netsim.PersistBatch{Seq: b.Seq, HardState: b.HardState, Entries: b.Entries, Snapshot: b.Snapshot, MustSync: b.MustSync}
		o.Persist = &p.batch
	}
	o.Messages = out.Messages
	if len(out.Replies) > 0 || len(p.early) > 0 {
		clear(p.replies)
		p.replies = append(p.replies[:0], p.early...)
		clear(p.early)
		p.early = p.early[:0]
		for _, r := range out.Replies {
			if mr, ok := p.members[r.ID]; ok {
				delete(p.members, r.ID)
				p.replies = append(p.replies, memberReply(mr, r))
				continue
			}
			resp, _ := v2keys.ReplyResponse(r, nil, false)
			p.replies = append(p.replies, answer(r.ID, resp))
		}
		o.Replies = p.replies
	}
	return o
}

// Cancel implements netsim.Canceler: the client of request id gave up.
func (p *Process) Cancel(id uint64) { p.n.Cancel(id) }

// Persisted implements netsim.Process.
func (p *Process) Persisted(seq uint64, err error) { p.n.Persisted(seq, err) }

// Status implements netsim.Process.
func (p *Process) Status() netsim.Status {
	st := p.n.Brief()
	return netsim.Status{Term: st.Term, Lead: st.Lead, Role: st.Role, Commit: st.Commit, Applied: st.Applied,
		EtcdIndex: st.EtcdIndex, Durable: st.Durable, Failed: st.Failed, Starting: !st.Ready}
}

// LogEntries implements netsim.Process.
func (p *Process) LogEntries() []raft.Entry { return p.n.LogEntries() }

// LogRange implements netsim.Process.
func (p *Process) LogRange(lo, hi uint64) []raft.Entry { return p.n.LogRange(lo, hi) }

// watchStream polls a store watcher's channel without blocking.
type watchStream struct {
	w *store.Watcher
}

// Poll drains the events queued on the watcher's channel.
func (s *watchStream) Poll() ([]netsim.WatchEvent, bool) {
	var out []netsim.WatchEvent
	for {
		select {
		case ev, ok := <-s.w.EventChan():
			if !ok {
				return out, true
			}
			e := netsim.WatchEvent{Line: v2keys.AppendEvent(nil, ev)} // the body's next line
			if ev.Node != nil {
				e.Live = ev.Node.ModifiedIndex > max(s.w.StartIndex(), s.w.ReplayedThrough())
			}
			out = append(out, e)
		default:
			return out, false
		}
	}
}

// Close removes the watcher.
func (s *watchStream) Close() { s.w.Remove() }

// Node returns the real node running as sim's node id, or nil while it is down.
func Node(sim *netsim.Sim, id uint64) *node.Node {
	if p, ok := sim.Process(id).(*Process); ok {
		return p.n
	}
	return nil
}

// HasMember reports whether member id is in the membership this node applied (netsim's
// MembershipReporter: an operator looks for a member whose addition had an unknown outcome).
func (p *Process) HasMember(id uint64) bool {
	if p.n == nil {
		return false
	}
	for _, m := range p.n.Status().Members {
		if m.ID == id {
			return true
		}
	}
	return false
}

var _ netsim.MembershipReporter = (*Process)(nil)

// Store returns the key space of sim's node id, or nil while it is down.
func Store(sim *netsim.Sim, id uint64) *store.Store {
	if n := Node(sim, id); n != nil {
		return n.Store()
	}
	return nil
}

// Campaign makes node id start an election now.
func Campaign(sim *netsim.Sim, id uint64) error {
	return sim.Invoke(id, "campaign", "", func(p netsim.Process) {
		if rp, ok := p.(*Process); ok {
			rp.n.Campaign()
		}
	})
}

// TransferLeadership asks the leader, node id, to hand leadership to node to.
func TransferLeadership(sim *netsim.Sim, id, to uint64) error {
	return sim.Invoke(id, "transfer", "to n"+strconv.FormatUint(to, 10), func(p netsim.Process) {
		if rp, ok := p.(*Process); ok {
			rp.n.TransferLeadership(to)
		}
	})
}
