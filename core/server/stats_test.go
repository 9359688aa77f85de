package server

import (
	"testing"
	"time"

	"github.com/raftlab/raftlab/core/raft"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLeaderAndSelfStats(t *testing.T) {
	c := newTestCluster(t, 3)
	lead := c.leader()
	follower := (lead + 1) % 3
	rep, err := c.set(lead, "/s", "x")
	require.NoError(t, err)
	require.NoError(t, rep.Err)

	ls, ok := c.servers[lead].LeaderStats()
	require.True(t, ok)
	assert.Equal(t, c.servers[lead].ID(), ls.Leader)
	require.Len(t, ls.Followers, 2)
	require.Eventually(t, func() bool {
		ls, _ := c.servers[lead].LeaderStats()
		return ls.Followers[c.servers[follower].ID()].Counts.Success > 0
	}, 5*time.Second, 5*time.Millisecond)
	_, ok = c.servers[follower].LeaderStats()
	assert.False(t, ok, "only the leader has leader stats")

	self := c.servers[follower].SelfStats()
	assert.Equal(t, raft.RoleFollower, self.Role)
	assert.Equal(t, c.servers[lead].ID(), self.Leader)
	assert.NotZero(t, self.RecvAppendRequestCnt)
	assert.False(t, self.LeaderStartTime.IsZero())
	assert.NotZero(t, c.servers[lead].SelfStats().SendAppendRequestCnt)
	assert.NotZero(t, c.servers[follower].LeaderChanges())
}
