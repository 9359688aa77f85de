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
