package suite

import (
	"fmt"
	"slices"

	"github.com/raftlab/raftlab/checker/history"
	"github.com/raftlab/raftlab/core/node"
	"github.com/raftlab/raftlab/netsim"
	"github.com/raftlab/raftlab/netsim/nodehost"
)

// strictReconfigScript holds etcd's strict reconfiguration check (--strict-reconfig-check) to its
// rule on a 3-voter cluster, with timings and targets drawn from the seed:
//
//	(a) two voters n4 and n5 are added one after the other and left unstarted (the operator's new
//	    machines are not ready): 3 started of 5 voters, which the rule allows;
//	(b) once every live member has applied both additions (so that any member's view gives the same
//	    answer), a started voter is asked to be removed through a random member: 2 started of 4
//	    voters would remain, fewer than a quorum, so it must be refused;
//	(c) a third unstarted voter n6 is asked to be added: 3 started of 6 voters, refused too;
//	(d) n4 and n5 are started, catch up and publish themselves.
//
// A refused change whose refusal is lost (an unknown outcome) proves nothing; only a confirmed one
// fails the run. With the rule broken the cluster is left without a quorum of running voters.
func strictReconfigScript(sim *netsim.Sim, seed uint64, stop int64) fmt.Stringer {
	s := newScript(sim, seed, 0x737472696374, stop, "strict reconfig")
	sim.At(between(s.rng, 800*ms, 1500*ms), func() {
		s.when("the first members' attributes", 3*second, func() bool { return strictStarted(s) >= 3 }, func() {
			strictAdd(s, "n4", func(n4 uint64) {
				strictAdd(s, "n5", func(n5 uint64) { strictRefusals(s, n4, n5) })
			})
		})
	})
	return s
}

// strictAdd adds voter name unstarted and runs then with its ID once the addition is confirmed.
func strictAdd(s *script, name string, then func(id uint64)) {
	id, call, err := s.sim.AddMemberUnstarted(name)
	if err != nil {
		s.act("add %s: %v", name, err)
		return
	}
	s.act("(a) add %s, left unstarted", name)
	s.when("the addition of "+name, 3*second, call.Done, func() {
		if call.Op().Outcome != history.OutcomeOK {
			s.act("the addition of %s was not confirmed (%s): the script stops", name, call.Op().Outcome)
			return
		}
		then(id)
	})
}

// strictRefusals (b, c, d): once every live member applied both additions, the removal of a started
// voter and the addition of a third unstarted one must both be refused; then n4 and n5 start.
func strictRefusals(s *script, n4, n5 uint64) {
	applied := func() bool { return strictEveryoneHas(s, n4, n5) }
	s.when("every member applying the additions", 3*second, applied, func() {
		voters := s.others(n4, n5)
		victim := s.pick(voters)
		via := s.pick(voters)
		s.act("(b) remove %s through %s: 2 started of 4 voters would remain", s.name(victim), s.name(via))
		remove := s.do(via, netsim.Request{Kind: netsim.ReqMemberRemove, MemberID: victim}, 2*second)
		s.when("the removal's answer", 3*second, func() bool { return remove == nil || remove.Done() }, func() {
			strictRefused(s, remove, fmt.Sprintf("removing %s left 2 started of 4 voters", s.name(victim)))
			_, add, err := s.sim.AddMemberUnstarted("n6")
			if err != nil {
				s.act("add n6: %v", err)
				return
			}
			s.act("(c) add n6, left unstarted: 3 started of 6 voters")
			s.when("the addition of n6", 3*second, add.Done, func() {
				strictRefused(s, add, "adding n6 left 3 started of 6 voters")
				strictStart(s, n4, "n4")
				strictStart(s, n5, "n5")
			})
		})
	})
}

// strictRefused fails the run if call, a change the rule forbids, was confirmed.
func strictRefused(s *script, call *netsim.Call, what string) {
	if call == nil || call.Op().Outcome != history.OutcomeOK {
		return
	}
	s.sim.Fail("strict reconfig: %s (fewer than a quorum), but the change was confirmed", what)
}

// strictStart starts an added member (d).
func strictStart(s *script, id uint64, name string) {
	if err := s.sim.StartAddedMember(id, name); err != nil {
		s.sim.Fail("strict reconfig: %v", err)
		return
	}
	s.act("(d) start %s", name)
}

// strictStarted is how many members the first live member's table shows started (published).
func strictStarted(s *script) int {
	for _, id := range s.sim.Nodes() {
		if n := nodehost.Node(s.sim, id); n != nil {
			return len(slices.DeleteFunc(n.Status().Members, func(m node.Member) bool { return m.Name == "" }))
		}
	}
	return 0
}

// strictEveryoneHas reports whether every live member's table holds the given members and exactly
// three started ones.
func strictEveryoneHas(s *script, ids ...uint64) bool {
	for _, id := range s.sim.Nodes() {
		n := nodehost.Node(s.sim, id)
		if n == nil {
			return false
		}
		members := n.Status().Members
		for _, want := range ids {
			if !slices.ContainsFunc(members, func(m node.Member) bool { return m.ID == want }) {
				return false
			}
		}
		if len(slices.DeleteFunc(members, func(m node.Member) bool { return m.Name == "" })) != 3 {
			return false
		}
	}
	return true
}
