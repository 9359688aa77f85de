package suite

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/raftlab/raftlab/checker/history"
	"github.com/raftlab/raftlab/core/node"
	"github.com/raftlab/raftlab/core/raft"
	"github.com/raftlab/raftlab/netsim"
	"github.com/raftlab/raftlab/netsim/nodehost"
)

// memberScript drives the membership features a random nemesis never uses, while the suite's faults
// cut and crash nodes: learners added and promoted (twice at once now and then, so that the second
// promotion is refused when applied), members removed (the leader sometimes, a member cut off just
// before sometimes), a change proposed while another is in flight, and leadership transfers to
// random members (learners and members that are cut off or down included, which the leader refuses
// or lets time out), some right after a change commits. Times come from the seed; nothing happens
// after stop.
type memberScript struct {
	sim     *netsim.Sim
	rng     *rand.Rand
	stop    int64
	next    int // number of the next node to add: n<next>
	actions strings.Builder
	// promoting are the learners whose promotion the script asked for, removing the members whose
	// removal it asked for.
	promoting, removing map[uint64]bool
	// confirmed are the additions answered with success, by ID.
	confirmed map[uint64]string
}

func newMemberScript(first int) func(sim *netsim.Sim, seed uint64, stop int64) fmt.Stringer {
	return func(sim *netsim.Sim, seed uint64, stop int64) fmt.Stringer {
		m := &memberScript{sim: sim, rng: seeded(seed, 0x6c6561726e6572), stop: stop, next: first}
		sim.At(between(m.rng, 500*ms, 1500*ms), m.addLearner)
		sim.At(between(m.rng, 1*second, 2*second), m.transfer)
		sim.At(between(m.rng, 4*second, 6*second), m.remove)
		sim.At(between(m.rng, 2*second, 7*second), m.addVoters)
		return m
	}
}

// String lists what the script did.
func (m *memberScript) String() string { return m.actions.String() }

func (m *memberScript) act(format string, args ...any) {
	text := "members: " + fmt.Sprintf(format, args...)
	m.sim.Note(text)
	fmt.Fprintf(&m.actions, "at %v: %s\n", time.Duration(m.sim.Now()), text)
}

// later runs fn after a delay drawn from [lo, hi), unless that is past stop.
func (m *memberScript) later(lo, hi int64, fn func()) {
	if at := m.sim.Now() + between(m.rng, lo, hi); at < m.stop {
		m.sim.At(at, fn)
	}
}

// repair runs fn after a delay drawn from [lo, hi), and at stop at the latest: a cut the script
// made never outlives the faults.
func (m *memberScript) repair(lo, hi int64, fn func()) {
	m.sim.At(min(m.sim.Now()+between(m.rng, lo, hi), m.stop), fn)
}

// addLearner adds the next node as a learner and promotes it once it had time to catch up; a second
// change is proposed right behind the first now and then (the leader refuses it while the first
// is pending, or applies both).
func (m *memberScript) addLearner() {
	name := fmt.Sprintf("n%d", m.next)
	m.next++
	id, call, err := m.sim.AddLearner(name)
	if err != nil {
		m.act("add learner %s: %v", name, err)
		return
	}
	m.act("add learner %s", name)
	m.checkAdmitted(call, id, name, 0)
	if m.rng.IntN(3) == 0 {
		m.later(0, 20*ms, func() { m.promote(id, name) })
	}
	m.whenDone(call, func() {
		if call.Op().Outcome == history.OutcomeOK {
			m.checkLearner(id, name)
		}
		if m.rng.IntN(2) == 0 {
			m.later(100*ms, 400*ms, func() { m.cutWithLeader(id) })
		}
		m.later(500*ms, 2*second, func() { m.promote(id, name) })
	})
	m.later(3*second, 5*second, m.addLearner)
}

// cutWithLeader partitions the leader and the new learner from the other voters for a while: the
// leader keeps its learner's acknowledgements and loses a quorum of voters, so that it must stop
// committing (and step down), and the other side elects a leader of its own.
func (m *memberScript) cutWithLeader(learner uint64) {
	lead, _ := m.sim.Leader()
	if lead == 0 || lead == learner {
		return
	}
	m.sim.Net().Partition([]uint64{lead, learner})
	m.act("partition {n%d, n%d} from the other members", lead, learner)
	m.repair(800*ms, 2*second, func() {
		m.reconnect(lead)
		m.reconnect(learner)
		m.act("reconnect n%d and n%d", lead, learner)
	})
}

// reconnect repairs every link to and from id.
func (m *memberScript) reconnect(id uint64) {
	for _, o := range m.sim.Nodes() {
		m.sim.Net().Connect(netsim.Link{From: id, To: o})
		m.sim.Net().Connect(netsim.Link{From: o, To: id})
	}
}

// addVoters adds two or three voters back to back, each the moment the previous change is done:
// the new members have not published their names yet, so with the strict reconfiguration check the
// last additions may be refused (too few started members for the grown cluster).
func (m *memberScript) addVoters() {
	var add func(left int)
	add = func(left int) {
		name := fmt.Sprintf("n%d", m.next)
		m.next++
		id, call, err := m.sim.AddMember(name)
		if err != nil {
			m.act("add %s: %v", name, err)
			return
		}
		m.act("add %s", name)
		m.checkAdmitted(call, id, name, 0)
		if left > 1 {
			m.whenDone(call, func() { add(left - 1) })
		}
	}
	add(2 + m.rng.IntN(2))
}

// whenDone runs fn once call is done (looking every 2ms), unless that is past stop; half of the
// time it also asks for a leadership transfer right then, racing the change's apply.
func (m *memberScript) whenDone(call *netsim.Call, fn func()) {
	var wait func()
	wait = func() {
		if !call.Done() {
			m.later(2*ms, 3*ms, wait)
			return
		}
		if m.rng.IntN(2) == 0 {
			m.transferOnce()
		}
		fn()
	}
	wait()
}

// admitTimeout is how long a confirmed addition may take to show in the membership of a live node.
const admitTimeout = 10 * second

// checkAdmitted fails the run if the addition of id, once confirmed, shows in no live node's
// membership within admitTimeout (unless the script asked for its removal meanwhile): a confirmed
// addition is committed, so the cluster has the member. It polls every 5ms without drawing from the
// script's generator; deadline is 0 until the addition is confirmed.
func (m *memberScript) checkAdmitted(call *netsim.Call, id uint64, name string, deadline int64) {
	if call.Done() && call.Op().Outcome == history.OutcomeOK && m.confirmed[id] == "" {
		if m.confirmed == nil {
			m.confirmed = map[uint64]string{}
		}
		m.confirmed[id] = name
	}
	switch {
	case !call.Done():
	case call.Op().Outcome == history.OutcomeUnknown:
		return // netsim's operator looks for it in the membership and starts it (AddMember)
	case call.Op().Outcome != history.OutcomeOK || m.removing[id] || m.hasMember(id):
		return
	case deadline == 0:
		deadline = m.sim.Now() + admitTimeout
	case m.sim.Now() >= deadline:
		m.sim.Fail("membership: the addition of %s was confirmed, but no live node has it as a member %v later", name, time.Duration(admitTimeout))
		return
	}
	m.sim.At(m.sim.Now()+5*ms, func() { m.checkAdmitted(call, id, name, deadline) })
}

// Final checks the end of the run, once every live member caught up: an addition answered with
// success is committed, so unless the script asked for its removal a live node has the member (the
// check in checkAdmitted gives it admitTimeout, which the end of the run may cut short).
func (m *memberScript) Final() []string {
	var out []string
	for id, name := range m.confirmed { // sorted below: the map's order does not matter
		if !m.removing[id] && !m.hasMember(id) {
			out = append(out, fmt.Sprintf("membership: the addition of %s was confirmed, but no live node has it as a member at the end of the run", name))
		}
	}
	slices.Sort(out)
	return out
}

// hasMember reports whether a live node has id in its membership.
func (m *memberScript) hasMember(id uint64) bool {
	for _, nid := range m.sim.Nodes() {
		if n := nodehost.Node(m.sim, nid); n != nil && slices.ContainsFunc(n.Status().Members, func(mem node.Member) bool { return mem.ID == id }) {
			return true
		}
	}
	return false
}

// checkLearner fails the run if a node that applied the addition of learner id counts it as a
// voter while no promotion of it was asked for: the learner must not grow the quorum before it
// caught up.
func (m *memberScript) checkLearner(id uint64, name string) {
	if m.promoting[id] {
		return
	}
	for _, nid := range m.sim.Nodes() {
		n := nodehost.Node(m.sim, nid)
		if n == nil {
			continue
		}
		st := n.Status()
		if slices.ContainsFunc(st.Members, func(mem node.Member) bool { return mem.ID == id }) && !slices.Contains(st.Learners, id) {
			m.sim.Fail("membership: %s was added as a learner, never promoted, and n%d counts it as a voter", name, nid)
			return
		}
	}
}

// promote promotes learner id, and a third of the time again from another client a moment later.
func (m *memberScript) promote(id uint64, name string) {
	if m.promoting == nil {
		m.promoting = map[uint64]bool{}
	}
	m.promoting[id] = true
	call, err := m.sim.PromoteMember(id)
	if err != nil {
		m.act("promote %s: %v", name, err)
		return
	}
	m.act("promote %s", name)
	if m.rng.IntN(3) == 0 {
		m.later(1*ms, 30*ms, func() {
			if _, err := m.sim.PromoteMember(id); err == nil {
				m.act("promote %s again", name)
			}
		})
	}
	m.whenDone(call, func() {})
}

// remove removes a voter: the leader half of the time.
func (m *memberScript) remove() {
	voters := m.voters()
	if len(voters) <= 3 {
		m.later(1*second, 2*second, m.remove)
		return
	}
	victim := voters[m.rng.IntN(len(voters))]
	if lead, _ := m.sim.Leader(); lead != 0 && m.rng.IntN(2) == 0 {
		victim = lead
	}
	if m.rng.IntN(2) == 0 {
		// A change while partitioned: the member is cut off first (its acknowledgements stop, so
		// the quorum that remains must commit the change, and shrinks when it applies).
		m.sim.Net().Isolate(victim)
		m.act("cut off n%d", victim)
		m.repair(1*second, 2*second, func() {
			m.reconnect(victim)
			m.act("reconnect n%d", victim)
		})
	}
	m.later(50*ms, 300*ms, func() {
		call, err := m.sim.RemoveMember(victim)
		if err != nil {
			m.act("remove n%d: %v", victim, err)
			return
		}
		m.act("remove n%d", victim)
		if m.removing == nil {
			m.removing = map[uint64]bool{}
		}
		m.removing[victim] = true
		m.whenDone(call, func() {})
	})
	m.later(3*second, 5*second, m.remove)
}

// transfer asks the leader to hand over to a random other node, and again later.
func (m *memberScript) transfer() {
	m.transferOnce()
	m.later(700*ms, 2*second, m.transfer)
}

func (m *memberScript) transferOnce() {
	lead, _ := m.sim.Leader()
	nodes := m.sim.Nodes()
	if lead == 0 || len(nodes) < 2 {
		return
	}
	to := nodes[m.rng.IntN(len(nodes))]
	if to == lead {
		return
	}
	if err := nodehost.TransferLeadership(m.sim, lead, to); err != nil {
		m.act("transfer n%d -> n%d: %v", lead, to, err)
		return
	}
	m.act("transfer n%d -> n%d", lead, to)
}

// voters are the nodes the leader (or, without one, any live node) counts as voters.
func (m *memberScript) voters() []uint64 {
	for _, id := range m.sim.Nodes() {
		n := nodehost.Node(m.sim, id)
		if n == nil {
			continue
		}
		st := n.Status()
		if st.Role != raft.RoleLeader {
			continue
		}
		var out []uint64
		learner := map[uint64]bool{}
		for _, l := range st.Learners {
			learner[l] = true
		}
		for _, mem := range st.Members {
			if !learner[mem.ID] {
				out = append(out, mem.ID)
			}
		}
		return out
	}
	return nil
}
