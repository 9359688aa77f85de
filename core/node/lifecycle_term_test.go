package node

import (
	"testing"

	"github.com/raftlab/raftlab/core/raft"
	"github.com/raftlab/raftlab/core/store"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestLeaderReelectedInANewTermResubmitsARequestLostWithItsRestart: a follower's request is lost with
// a leader that restarts and wins the next election without this follower's vote. The follower then
// hears of the same leader ID in a new term, never of a term without a leader: raft reports no change
// of leader to it, and the request must be submitted again all the same (before the fix it waited
// for the request timeout).
func TestLeaderReelectedInANewTermResubmitsARequestLostWithItsRestart(t *testing.T) {
	for _, tt := range []struct {
		name string
		req  Request
	}{
		{"write", Request{Kind: KindWrite, Write: store.Request{Op: store.OpSet, Key: "/k", Value: "v"}}},
		{"quorum read", Request{Kind: KindQuorumGet, Key: "/k"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := newTestCluster(t, 3, func(cfg *Config) {
				// The restarted leader campaigns at once and wins on the one vote it asks for.
				cfg.DisablePreVote = true
				cfg.DisableCheckQuorum = true
			})
			lead := c.waitLeader()
			follower := followerOf(c, lead)
			var voter uint64
			for _, id := range c.ids {
				if id != lead && id != follower {
					voter = id
				}
			}
			c.tick(3)
			term := c.nodes[follower].Status().Term

			c.cut[[2]uint64{follower, lead}] = true // the forwarded request dies with the leader
			req := tt.req
			req.ID = c.newID()
			c.nodes[follower].Submit(req)
			c.pump()
			c.crash(lead)
			c.restart(lead)
			c.cut[[2]uint64{lead, follower}] = true // the follower sees no vote request
			c.nodes[lead].Campaign()
			c.pump()
			require.Equal(t, raft.RoleLeader, c.nodes[lead].Status().Role, "re-elected with %d's vote", voter)
			c.heal()
			c.tick(1)
			st := c.nodes[follower].Status()
			require.Equal(t, lead, st.Lead, "the follower follows the same leader...")
			require.Greater(t, st.Term, term, "...in a new term")

			c.tick(10)
			require.Equal(t, 1, c.replyCount[req.ID], "submitted again to the re-elected leader and answered once")
			assert.NotErrorIs(t, c.replies[req.ID].Err, ErrTimeout)
		})
	}
}
