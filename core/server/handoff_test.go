package server

import (
	"context"
	"testing"
	"time"

	"github.com/raftlab/raftlab/core/raft"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestStopHandsOffLeadership: a leader that stops first makes another voter leader (in the next
// term, with nobody waiting an election timeout) and the rest of the cluster keeps taking writes.
func TestStopHandsOffLeadership(t *testing.T) {
	c := newTestCluster(t, 3)
	lead := c.leader()
	old := c.servers[lead]
	term := old.Status().Term
	_, err := c.set(lead, "/before", "1")
	require.NoError(t, err)

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	require.NoError(t, old.Stop(ctx))
	last := old.Status()
	assert.NotEqual(t, raft.RoleLeader, last.Role, "the leader stepped down before stopping")
	require.NotZero(t, last.Lead)
	require.NotEqual(t, old.ID(), last.Lead, "it followed the new leader before stopping")
	c.servers[lead] = nil
	next := -1
	for i, s := range c.servers {
		if s != nil && s.ID() == last.Lead {
			next = i
		}
	}
	require.GreaterOrEqual(t, next, 0)
	st := c.servers[next].Status()
	assert.Equal(t, raft.RoleLeader, st.Role)
	assert.Equal(t, term+1, st.Term, "one campaign, the one the transfer asked for")
	r, err := c.set(next, "/after", "2")
	require.NoError(t, err)
	require.NoError(t, r.Err)
}

// TestHandOffSkipsVotersOutOfReach: with its followers stopped, a leader has nobody to hand off to
// (a voter its stream does not reach could not be told to campaign), so it does not wait for one.
func TestHandOffSkipsVotersOutOfReach(t *testing.T) {
	c := newTestCluster(t, 3)
	lead := c.leader()
	s := c.servers[lead]
	st := s.Status()
	require.Len(t, s.transferCandidates(st.Members, st.Learners), 2)
	for i := range c.servers {
		if i != lead {
			c.stop(i)
		}
	}
	require.Eventually(t, func() bool {
		return len(s.transferCandidates(st.Members, st.Learners)) == 0
	}, 10*time.Second, 10*time.Millisecond, "the stopped followers' streams are seen closed")
}
