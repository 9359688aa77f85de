package node

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestForwardedConfChangeRefusedForAPendingOneIsSentAgain: a follower forwards a membership change
// while the leader still applies another one. The leader refuses it (one change at a time) and,
// the proposal being someone else's, nobody hears of the refusal: the follower must send it again
// by itself once the first change is through (before the fix it waited for the request timeout,
// 7 s by default; a new leader refuses the same way until it applied its predecessor's log).
func TestForwardedConfChangeRefusedForAPendingOneIsSentAgain(t *testing.T) {
	for name, kind := range map[string]RequestKind{"learner": KindMemberAddLearner, "voter": KindMemberAdd} {
		t.Run(name, func(t *testing.T) {
			c := newTestCluster(t, 3, nil)
			lead := c.waitLeader()
			follower := followerOf(c, lead)
			c.tick(3)

			// The leader's own change stays uncommitted while the followers hear nothing from it.
			for _, id := range c.ids {
				if id != lead {
					c.cut[[2]uint64{lead, id}] = true
				}
			}
			first := Request{ID: c.newID(), Kind: KindMemberAddLearner, Member: Member{ID: 4, PeerURLs: []string{"http://p4"}}}
			c.nodes[lead].Submit(first)
			c.pump()
			second := Request{ID: c.newID(), Kind: kind, Member: Member{ID: 5, PeerURLs: []string{"http://p5"}}}
			c.nodes[follower].Submit(second)
			c.pump()
			c.tick(1)
			c.heal()

			timeout := c.nodes[follower].cfg.RequestTimeoutTicks
			electionTicks := c.nodes[follower].cfg.ElectionTicks
			require.Greater(t, timeout, 2*electionTicks)
			c.tick(2 * electionTicks)
			require.Equal(t, lead, c.leader(), "no election: the leader never changed")
			require.Equal(t, 1, c.replyCount[first.ID])
			require.NoError(t, c.replies[first.ID].Err)
			require.Equal(t, 1, c.replyCount[second.ID], "the forwarded change was sent again and applied well before the request timeout")
			assert.NoError(t, c.replies[second.ID].Err)

			c.tick(timeout)
			assert.Equal(t, 1, c.replyCount[second.ID], "answered once")
			var members []uint64
			for _, m := range c.nodes[follower].Status().Members {
				members = append(members, m.ID)
			}
			assert.ElementsMatch(t, []uint64{1, 2, 3, 4, 5}, members, "each change applied once")
		})
	}
}

// TestMembershipChangeThroughALaggingFollowerIsValidatedWhereItApplies: a follower that has not
// applied the latest membership changes yet must not refuse a change on its stale view (a member
// just added is "not found" there, a peer URL just freed still "exists"): etcd validates a change
// where it is applied, and so must the node (before the fix the follower answered ErrIDNotFound or
// ErrPeerURLExists at once).
func TestMembershipChangeThroughALaggingFollowerIsValidatedWhereItApplies(t *testing.T) {
	addLearner4 := Request{Kind: KindMemberAddLearner, Member: Member{ID: 4, PeerURLs: []string{"http://p4"}}}
	remove4 := Request{Kind: KindMemberRemove, MemberID: 4}
	for _, tt := range []struct {
		name string
		// setup runs through the leader first; lagging then runs while the follower hears none of it.
		setup, lagging []Request
		req            func(follower uint64) Request
	}{
		{"remove a member just added", nil, []Request{addLearner4},
			func(uint64) Request { return remove4 }},
		{"promote a learner just added", nil, []Request{addLearner4},
			func(uint64) Request { return Request{Kind: KindMemberPromote, MemberID: 4} }},
		{"add with a peer URL just freed", []Request{addLearner4}, []Request{remove4},
			func(uint64) Request {
				return Request{Kind: KindMemberAdd, Member: Member{ID: 5, PeerURLs: []string{"http://p4"}}}
			}},
		{"update to a peer URL just freed", []Request{addLearner4}, []Request{remove4},
			func(f uint64) Request {
				return Request{Kind: KindMemberUpdate, MemberID: f, Member: Member{PeerURLs: []string{"http://p4"}}}
			}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := newTestCluster(t, 3, nil)
			lead := c.waitLeader()
			follower := followerOf(c, lead)
			through := func(reqs []Request) {
				for _, req := range reqs {
					r, ok := c.submit(lead, req, 50)
					require.True(t, ok)
					require.NoError(t, r.Err)
				}
			}
			through(tt.setup)
			c.tick(3)
			c.cut[[2]uint64{lead, follower}] = true
			through(tt.lagging)

			req := tt.req(follower)
			req.ID = c.newID()
			c.nodes[follower].Submit(req)
			c.pump()
			c.heal()
			c.tick(c.nodes[follower].cfg.ElectionTicks)
			require.Equal(t, 1, c.replyCount[req.ID], "answered once the follower caught up")
			assert.NoError(t, c.replies[req.ID].Err)
		})
	}
}
