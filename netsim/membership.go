package netsim

import (
	"fmt"
	"strings"

	"github.com/raftlab/raftlab/checker/history"
)

// AddMember adds a member called name with a fresh ID, the way an operator does it: it submits the
// membership change through a client and, once that succeeds, starts the new node, which joins the
// running cluster. If the change fails no node is started; if its outcome stays unknown, the
// operator looks at the membership (admitLookFor, see startIfAdmitted) and starts the node once a
// live member has it. It returns the reserved ID and the client call of the change.
func (s *Sim) AddMember(name string) (uint64, *Call, error) {
	return s.addMember(name, ReqMemberAdd, true)
}

// AddLearner is AddMember for a non-voting learner (promote it later with PromoteMember).
func (s *Sim) AddLearner(name string) (uint64, *Call, error) {
	return s.addMember(name, ReqMemberAddLearner, true)
}

// AddMemberUnstarted is AddMember by an operator whose new machine is not ready yet: the voter is
// added but its node is not started, whatever the outcome, until StartAddedMember. Meanwhile the
// cluster counts a voter that never answers (what etcd's strict reconfiguration check is for).
func (s *Sim) AddMemberUnstarted(name string) (uint64, *Call, error) {
	return s.addMember(name, ReqMemberAdd, false)
}

// addMember submits the addition of a member as a voter or a learner (kind) and, if start, starts
// its node once the change succeeded.
func (s *Sim) addMember(name string, kind RequestKind, start bool) (uint64, *Call, error) {
	if name == "" || strings.ContainsAny(name, " ,{}") {
		return 0, nil, fmt.Errorf("netsim: add member: bad name %q", name)
	}
	if s.names[name] {
		return 0, nil, fmt.Errorf("netsim: add member: %s already exists", name)
	}
	s.names[name] = true
	s.nextID++
	m := MemberSpec{ID: s.nextID, Name: name}
	cs := s.clients
	c := cs.newClient(false)
	req := Request{ID: c.requestID(), Kind: kind, Member: m}
	call := cs.begin(c, req, 0, cs.cfg.Attempts, cs.cfg.Timeout, func(op history.Op) {
		if op.Outcome != history.OutcomeOK {
			s.tracef("member", "-", "add %s not confirmed (%s): not started", name, op.Outcome)
			if op.Outcome == history.OutcomeUnknown && start {
				s.startIfAdmitted(m.ID, name, s.now+admitLookFor)
			}
			return
		}
		if !start {
			s.tracef("member", "-", "add %s confirmed: left unstarted", name)
			return
		}
		s.members = append(s.members, m)
		if err := s.addHost(m, true); err != nil {
			s.fail("%v", err)
		}
	})
	return m.ID, &Call{cl: call}, nil
}

// StartAddedMember starts the node of member id (called name), whose addition the caller submitted
// with AddMember or AddLearner and found in the cluster's committed membership although its client
// call did not confirm it (an unknown outcome): an operator who sees the member in the member list
// starts it, or the cluster keeps a voter that never runs. It is an error to start a node twice.
func (s *Sim) StartAddedMember(id uint64, name string) error {
	if _, err := s.host(id); err == nil {
		return fmt.Errorf("netsim: start added member: %s already runs", name)
	}
	if !s.names[name] {
		return fmt.Errorf("netsim: start added member: %s was never added", name)
	}
	m := MemberSpec{ID: id, Name: name}
	s.tracef("member", "-", "add %s found in the membership: started", name)
	s.members = append(s.members, m)
	return s.addHost(m, true)
}

// MembershipReporter is implemented by processes that can say whether a member is in the membership
// they applied (nodehost's). AddMember's operator asks the live ones after an unknown outcome.
type MembershipReporter interface {
	HasMember(id uint64) bool
}

// admitLookFor is how long the operator of AddMember looks for a member whose addition had an
// unknown outcome, and admitLookEvery how often.
const (
	admitLookFor   = int64(10e9)
	admitLookEvery = int64(5e6)
)

// startIfAdmitted is the operator's answer to an addition whose outcome is unknown: until deadline it
// looks at the membership of the live members and starts the node once one has it. Left unstarted,
// a voter the cluster committed would count in every quorum and never answer (learners-transfers
// seed 494 and keys-membership seed 18852 lost their quorum so).
func (s *Sim) startIfAdmitted(id uint64, name string, deadline int64) {
	if _, err := s.host(id); err == nil {
		return // started meanwhile
	}
	for _, nid := range s.order {
		h := s.hosts[nid]
		if h == nil || !h.alive {
			continue
		}
		if r, ok := h.proc.(MembershipReporter); ok && r.HasMember(id) {
			if err := s.StartAddedMember(id, name); err != nil {
				s.fail("%v", err)
			}
			return
		}
	}
	if s.now >= deadline {
		return // never committed: nothing to start
	}
	s.After(admitLookEvery, func() { s.startIfAdmitted(id, name, deadline) })
}

// RemoveMember submits the removal of node id through a client; the node keeps running until it
// applies its own removal (then it stops answering, as a removed etcd member does). Once the
// removal is confirmed, clients and watchers stop choosing the node.
func (s *Sim) RemoveMember(id uint64) (*Call, error) {
	if _, err := s.host(id); err != nil {
		return nil, fmt.Errorf("netsim: remove member: %w", err)
	}
	cs := s.clients
	c := cs.newClient(false)
	req := Request{ID: c.requestID(), Kind: ReqMemberRemove, MemberID: id}
	call := cs.begin(c, req, 0, cs.cfg.Attempts, cs.cfg.Timeout, func(op history.Op) {
		if op.Outcome == history.OutcomeOK {
			// Clients sync their endpoint list with the membership, as etcd clients do.
			s.removed[id] = true
			s.tracef("member", s.name(id), "removed: clients stop using it")
		}
	})
	return &Call{cl: call}, nil
}

// endpoints are the nodes clients talk to: every node started, minus the members whose removal was
// confirmed.
func (s *Sim) endpoints() []uint64 {
	if len(s.removed) == 0 {
		return s.order
	}
	out := make([]uint64, 0, len(s.order))
	for _, id := range s.order {
		if !s.removed[id] {
			out = append(out, id)
		}
	}
	if len(out) == 0 {
		return s.order
	}
	return out
}

// PromoteMember submits the promotion of learner id to voter through a client.
func (s *Sim) PromoteMember(id uint64) (*Call, error) {
	if _, err := s.host(id); err != nil {
		return nil, fmt.Errorf("netsim: promote member: %w", err)
	}
	cs := s.clients
	c := cs.newClient(false)
	req := Request{ID: c.requestID(), Kind: ReqMemberPromote, MemberID: id}
	return &Call{cl: cs.begin(c, req, 0, cs.cfg.Attempts, cs.cfg.Timeout, nil)}, nil
}
