package raft

import (
	"bytes"
	"fmt"
	"math/rand"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// chaosStats summarizes one chaos run.
type chaosStats struct {
	terms, appliedIndexes, proposals, reads int
}

// runChaos drives a 5-node cluster through random partitions, message loss, reordering, restarts
// and compactions, and checks Raft's safety properties after every step: at most one leader per
// term, and every index is applied with the same entry everywhere. It returns the first violation.
func runChaos(t *testing.T, seed int64, withMembership bool, opts ...configOpt) (chaosStats, error) {
	rng := rand.New(rand.NewSource(seed))
	nw := newNetwork(t, 5, opts...)
	nw.noTrace = true
	nw.drop = func(m Message) bool { return rng.Intn(10) == 0 }
	leaderOf := map[uint64]uint64{}
	appliedAt := map[uint64]Entry{}
	seen := map[uint64]int{}
	// readFloor[ctx] is the highest index committed anywhere when the read was requested: a
	// linearizable read point must not be below it.
	readFloor := map[string]uint64{}
	readsSeen := map[uint64]int{}
	maxCommitted := func() uint64 {
		var c uint64
		for _, id := range nw.ids {
			c = max(c, nw.node(id).log.committed)
		}
		return c
	}
	check := func() error {
		for _, id := range nw.ids {
			for _, rs := range nw.reads[id][readsSeen[id]:] {
				if floor := readFloor[string(rs.RequestCtx)]; rs.Index < floor {
					return fmt.Errorf("read %q on %d at index %d, but %d was committed before it was issued", rs.RequestCtx, id, rs.Index, floor)
				}
			}
			readsSeen[id] = len(nw.reads[id])
			r := nw.node(id)
			if r.state == RoleLeader {
				if l, ok := leaderOf[r.term]; ok && l != id {
					return fmt.Errorf("two leaders in term %d: %d and %d", r.term, l, id)
				}
				leaderOf[r.term] = id
			}
			if seen[id] > len(nw.applied[id]) {
				seen[id] = 0 // restarted: its state machine is rebuilt
			}
			for _, e := range nw.applied[id][seen[id]:] {
				if e.Type == snapshotMarker {
					continue
				}
				if prev, ok := appliedAt[e.Index]; ok && (prev.Term != e.Term || !bytes.Equal(prev.Data, e.Data)) {
					return fmt.Errorf("index %d applied as %v and as %v", e.Index, prev, e)
				}
				appliedAt[e.Index] = e
			}
			seen[id] = len(nw.applied[id])
		}
		return nil
	}
	stats := func() chaosStats {
		reads := 0
		for _, rs := range nw.reads {
			reads += len(rs)
		}
		return chaosStats{terms: len(leaderOf), appliedIndexes: len(appliedAt), reads: reads}
	}
	proposals := 0
	for step := 0; step < 400; step++ {
		switch a := rng.Intn(100); {
		case a < 45:
			for k := 1 + rng.Intn(4); k > 0; k-- {
				nw.tickShuffled(rng)
			}
		case a < 48:
			id := nw.ids[rng.Intn(len(nw.ids))]
			ctx := fmt.Sprint("read", step)
			readFloor[ctx] = maxCommitted()
			_ = nw.nodes[id].ReadIndex([]byte(ctx))
			nw.stabilizeShuffled(rng)
		case a < 50:
			if ls := nw.leaders(); len(ls) > 0 {
				nw.nodes[ls[0]].TransferLeadership(nw.ids[rng.Intn(len(nw.ids))])
				nw.stabilizeShuffled(rng)
			}
		case a < 75:
			id := nw.ids[rng.Intn(len(nw.ids))]
			proposals++
			_ = nw.nodes[id].Propose([]byte(fmt.Sprint("v", proposals)))
			nw.stabilizeShuffled(rng)
		case a < 82:
			nw.heal()
			perm := rng.Perm(len(nw.ids))
			if ls := nw.leaders(); len(ls) > 0 && rng.Intn(2) == 0 {
				// Often cut the leader off with the minority: the interesting case.
				for i, p := range perm {
					if nw.ids[p] == ls[0] {
						perm[0], perm[i] = perm[i], perm[0]
					}
				}
			}
			k := 1 + rng.Intn(2)
			var minority, majority []uint64
			for i, p := range perm {
				if i < k {
					minority = append(minority, nw.ids[p])
				} else {
					majority = append(majority, nw.ids[p])
				}
			}
			nw.partition(minority, majority)
		case a < 90:
			nw.heal()
		case a < 95:
			id := nw.ids[rng.Intn(len(nw.ids))]
			nw.stabilizeShuffled(rng)
			nw.restart(id)
		case a < 97 && withMembership:
			nw.chaosConfChange(rng)
			nw.stabilizeShuffled(rng)
		default:
			id := nw.ids[rng.Intn(len(nw.ids))]
			snap, err := nw.storage[id].Snapshot()
			require.NoError(t, err)
			if nw.nodes[id].Status().Applied > snap.Metadata.Index+2 {
				nw.compact(id, "")
			}
		}
		if err := check(); err != nil {
			return stats(), err
		}
	}
	// Heal and let the cluster settle: every node catches up with the leader.
	nw.heal()
	nw.drop = nil
	nw.tick(6 * testElection)
	if err := check(); err != nil {
		return stats(), err
	}
	ls := nw.leaders()
	if len(ls) != 1 {
		return stats(), fmt.Errorf("after healing: leaders %v", ls)
	}
	for _, id := range nw.node(ls[0]).peerIDs() {
		if got, want := nw.node(id).log.committed, nw.node(ls[0]).log.committed; got != want {
			return stats(), fmt.Errorf("after healing: node %d committed %d, leader %d", id, got, want)
		}
	}
	st := stats()
	st.proposals = proposals
	return st, nil
}

func TestChaosSafety(t *testing.T) {
	for seed := int64(1); seed <= 12; seed++ {
		t.Run(fmt.Sprint("seed=", seed), func(t *testing.T) {
			var opts []configOpt
			if seed%2 == 0 {
				opts = append(opts, withPreVote)
			}
			if seed%3 != 0 {
				opts = append(opts, withCheckQuorum)
			}
			st, err := runChaos(t, seed, seed > 6, opts...)
			require.NoError(t, err)
			assert.Positive(t, st.appliedIndexes, "the run made progress")
			t.Logf("terms %d, applied indexes %d, proposals %d, reads %d", st.terms, st.appliedIndexes, st.proposals, st.reads)
		})
	}
}

// The chaos driver is strong enough to catch a deliberate safety bug.
func TestChaosDetectsVoteWithoutLogCheck(t *testing.T) {
	violations := 0
	for seed := int64(1); seed <= 10; seed++ {
		if _, err := runChaos(t, seed, false, func(c *Config) { c.Bugs.VoteWithoutLogCheck = true }); err != nil {
			violations++
		}
	}
	assert.Positive(t, violations)
}

// tickShuffled ticks every node once, then delivers with random reordering.
func (nw *network) tickShuffled(rng *rand.Rand) {
	for _, id := range nw.ids {
		nw.nodes[id].Tick()
	}
	nw.stabilizeShuffled(rng)
}

// stabilizeShuffled is stabilize with the message queue shuffled before each delivery round.
func (nw *network) stabilizeShuffled(rng *rand.Rand) {
	for round := 0; round < 2000; round++ {
		progress := false
		for _, id := range nw.ids {
			if nw.handleReady(id) {
				progress = true
			}
		}
		if len(nw.queue) > 0 {
			progress = true
			msgs := nw.queue
			nw.queue = nil
			rng.Shuffle(len(msgs), func(i, j int) { msgs[i], msgs[j] = msgs[j], msgs[i] })
			for _, m := range msgs {
				nw.deliver(m)
			}
		}
		if !progress {
			return
		}
	}
	nw.t.Fatal("network did not stabilize")
}

// chaosConfChange asks the current leader (if any) for a random membership change: remove a
// member (keeping at least three voters), add a fresh voter or learner, or promote a learner.
func (nw *network) chaosConfChange(rng *rand.Rand) {
	ls := nw.leaders()
	if len(ls) == 0 {
		return
	}
	lead := nw.node(ls[rng.Intn(len(ls))])
	cs := lead.confState()
	switch op := rng.Intn(3); {
	case op == 0 && len(cs.Voters) > 3:
		victim := cs.Voters[rng.Intn(len(cs.Voters))]
		_ = nw.nodes[lead.id].ProposeConfChange(ConfChange{Type: ConfChangeRemoveNode, NodeID: victim})
	case op == 1 && len(cs.Learners) > 0:
		_ = nw.nodes[lead.id].ProposeConfChange(ConfChange{Type: ConfChangeAddNode, NodeID: cs.Learners[0]})
	default:
		id := nw.ids[len(nw.ids)-1] + 1
		learner := rng.Intn(2) == 0
		typ := ConfChangeAddNode
		voters, learners := append(append([]uint64(nil), cs.Voters...), id), cs.Learners
		if learner {
			typ = ConfChangeAddLearner
			voters, learners = cs.Voters, append(append([]uint64(nil), cs.Learners...), id)
		}
		if nw.nodes[lead.id].ProposeConfChange(ConfChange{Type: typ, NodeID: id}) == nil {
			nw.addNode(id, voters, learners, func(c *Config) {
				c.PreVote, c.CheckQuorum = lead.preVote, lead.checkQuorum
			})
		}
	}
}
