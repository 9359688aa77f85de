package server

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/raftlab/raftlab/core/node"
	"github.com/raftlab/raftlab/core/raft"
)

// waitReady waits for member i's Ready channel.
func (c *testCluster) waitReady(i int) {
	c.t.Helper()
	select {
	case <-c.servers[i].Ready():
	case <-time.After(10 * time.Second):
		c.t.Fatalf("member %d never became ready", i)
	}
}

func TestMemberIsReadyOnlyOnceItsAttributesAreCommitted(t *testing.T) {
	c := newTestCluster(t, 3)
	for i := range c.servers {
		c.waitReady(i)
		st := c.servers[i].Status()
		require.True(t, st.Ready)
		self := slices.IndexFunc(st.Members, func(m node.Member) bool { return m.ID == c.servers[i].ID() })
		require.GreaterOrEqual(t, self, 0)
		assert.Equal(t, c.members[i].Name, st.Members[self].Name, "member %d: ready means its name is applied", i)
		assert.Equal(t, []string{"http://client-" + c.members[i].Name}, st.Members[self].ClientURLs)
	}
}

func TestRestartUnderAnotherNameKeepsTheRecordedOne(t *testing.T) {
	c := newTestCluster(t, 3)
	for i := range c.servers {
		c.waitReady(i)
	}
	c.stop(0)
	cfg := c.config(0)
	cfg.Name = "default" // kvd's --name when the flag is left out
	s, err := Start(cfg)
	require.NoError(t, err)
	c.servers[0] = s
	c.waitReady(0)
	assert.Equal(t, "m0", s.Self().Name)
	for i := range c.servers {
		require.Eventually(t, func() bool {
			for _, m := range c.servers[i].Status().Members {
				if m.ID == s.ID() {
					return m.Name == "m0"
				}
			}
			return false
		}, 5*time.Second, 5*time.Millisecond, "member %d lists the recorded name", i)
	}
}

func TestFailedDiskRefusesReadsAndStepsDown(t *testing.T) {
	c := newTestCluster(t, 3)
	lead := c.leader()
	for i := range c.servers {
		c.waitReady(i)
	}
	_, err := c.set(lead, "/k", "before")
	require.NoError(t, err)
	c.failDisk[lead].Store(true)
	rep, err := c.set(lead, "/k", "refused")
	require.NoError(t, err)
	require.ErrorIs(t, rep.Err, node.ErrStorage)
	failed := c.servers[lead]

	// The others elect a new leader and go on; the failed member never claims to lead again.
	other := (lead + 1) % 3
	require.Eventually(t, func() bool {
		st := c.servers[other].Status()
		return st.Lead != 0 && st.Lead != failed.ID()
	}, 10*time.Second, 5*time.Millisecond)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	rep, err = c.servers[other].Do(ctx, node.Request{Kind: node.KindQuorumGet, Key: "/k"})
	require.NoError(t, err)
	require.NoError(t, rep.Err)
	_, err = c.set(other, "/later", "written elsewhere")
	require.NoError(t, err)

	st := failed.Status()
	assert.Equal(t, raft.RoleFollower, st.Role, "the failed member stepped down")
	assert.Zero(t, st.Lead)
	assert.Equal(t, raft.RoleFollower, failed.SelfStats().Role, "stats/self does not say leader")
	_, ok := failed.LeaderStats()
	assert.False(t, ok, "no leader stats either")
	_, err = failed.Get("/later", false, false, 0)
	assert.ErrorIs(t, err, node.ErrStorage, "a key written elsewhere later is not reported missing")
	_, err = failed.Get("/k", false, false, 0)
	assert.ErrorIs(t, err, node.ErrStorage, "nor is the frozen value served")
	_, err = failed.Watch("/k", false, false, 0)
	assert.ErrorIs(t, err, node.ErrStorage)
}
