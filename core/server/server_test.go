package server

import (
	"context"
	"errors"
	"net"
	"path/filepath"
	"testing"
	"time"

	"github.com/raftlab/raftlab/core/node"
	"github.com/raftlab/raftlab/core/raft"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func value(t *testing.T, s *Server, key string) string {
	t.Helper()
	ev, err := s.Get(key, false, false, 0)
	if err != nil {
		return "<" + err.Error() + ">"
	}
	require.NotNil(t, ev.Node.Value)
	return *ev.Node.Value
}

func TestClusterReplicatesWritesThroughAnyMember(t *testing.T) {
	c := newTestCluster(t, 3)
	lead := c.leader()
	follower := (lead + 1) % 3
	rep, err := c.set(follower, "/message", "hello")
	require.NoError(t, err)
	require.NoError(t, rep.Err)
	require.NotNil(t, rep.Event)
	assert.Equal(t, "set", rep.Event.Action)
	for i := range 3 {
		require.Eventually(t, func() bool { return value(t, c.servers[i], "/message") == "hello" },
			5*time.Second, 5*time.Millisecond, "member %d", i)
	}
	st := c.servers[lead].Status()
	assert.Len(t, st.Members, 3)
	assert.Equal(t, c.servers[0].ClusterID(), c.servers[2].ClusterID())
}

func TestMembersPublishTheirNames(t *testing.T) {
	c := newTestCluster(t, 3)
	c.waitPublished(0)
	for _, m := range c.servers[0].Status().Members {
		assert.Equal(t, "http://client-"+m.Name, m.ClientURLs[0])
	}
}

func TestRestartFromDataDirKeepsData(t *testing.T) {
	c := newTestCluster(t, 3)
	lead := c.leader()
	victim := (lead + 1) % 3
	rep, err := c.set(lead, "/k", "v1")
	require.NoError(t, err)
	require.NoError(t, rep.Err)
	id := c.servers[victim].ID()
	c.stop(victim)
	rep, err = c.set(lead, "/k2", "v2")
	require.NoError(t, err)
	require.NoError(t, rep.Err)
	c.start(victim)
	assert.Equal(t, id, c.servers[victim].ID(), "the member ID comes from the data dir")
	require.Eventually(t, func() bool { return value(t, c.servers[victim], "/k2") == "v2" }, 10*time.Second, 5*time.Millisecond)
	assert.Equal(t, "v1", value(t, c.servers[victim], "/k"))
}

func TestRestartRefusesDataDirOfAnotherCluster(t *testing.T) {
	c := newTestCluster(t, 1)
	c.leader()
	c.stop(0)
	cfg := c.config(0)
	cfg.Token = "another-token"
	cfg.CheckClusterID = true
	_, err := Start(cfg)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "belongs to cluster")

	cfg = c.config(0)
	cfg.Token = "another-token" // without CheckClusterID a restart ignores the bootstrap flags
	s, err := Start(cfg)
	require.NoError(t, err)
	c.servers[0] = s
}

func TestDiskFailureStopsAcknowledging(t *testing.T) {
	c := newTestCluster(t, 1)
	c.leader()
	rep, err := c.set(0, "/before", "ok")
	require.NoError(t, err)
	require.NoError(t, rep.Err)
	c.failDisk[0].Store(true)
	rep, err = c.set(0, "/after", "lost")
	require.NoError(t, err)
	assert.ErrorIs(t, rep.Err, node.ErrStorage)
	assert.Error(t, c.servers[0].Status().Failed)
	_, getErr := c.servers[0].Get("/after", false, false, 0)
	assert.Error(t, getErr, "a write that was not made durable is never applied")
}

func TestStopAnswersWaitingCallsAndRefusesNewOnes(t *testing.T) {
	c := newTestCluster(t, 1)
	c.leader()
	s := c.servers[0]
	c.stop(0)
	_, err := s.Do(context.Background(), node.Request{Kind: node.KindWrite})
	assert.ErrorIs(t, err, node.ErrStopped)
	assert.NoError(t, s.Stop(context.Background()), "a second Stop is harmless")
}

func TestStrictReconfigCheckRefusesAddWithoutQuorum(t *testing.T) {
	c := newTestCluster(t, 3)
	lead := c.leader()
	c.waitPublished(lead)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	add := func(port string) error {
		rep, err := c.servers[lead].Do(ctx, node.Request{Kind: node.KindMemberAdd,
			Member: node.Member{ID: MemberID([]string{"http://127.0.0.1:" + port}, "x"), PeerURLs: []string{"http://127.0.0.1:" + port}}})
		if err != nil {
			return err
		}
		return rep.Err
	}
	require.NoError(t, add("1")) // 3 started of 4: quorum 3
	require.NoError(t, add("2")) // 3 started of 5: quorum 3
	err := add("3")              // 3 started of 6: quorum 4
	assert.ErrorIs(t, err, ErrNotEnoughStartedMembers)
}

func TestJoinFindsClusterThroughPeerPort(t *testing.T) {
	c := newTestCluster(t, 1)
	lead := c.leader()
	c.waitPublished(lead)
	addr := freeAddr(t)
	peerURL := "http://" + addr
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	newID := MemberID([]string{peerURL}, "runtime")
	rep, err := c.servers[lead].Do(ctx, node.Request{Kind: node.KindMemberAdd, Member: node.Member{ID: newID, PeerURLs: []string{peerURL}}})
	require.NoError(t, err)
	require.NoError(t, rep.Err)

	ln, err := net.Listen("tcp", addr)
	require.NoError(t, err)
	joined, err := Start(Config{
		Name: "joiner", DataDir: filepath.Join(t.TempDir(), "j"), PeerListener: ln, PeerURLs: []string{peerURL},
		InitialCluster: append([]node.Member{{Name: "joiner", PeerURLs: []string{peerURL}}}, c.members...),
		Join:           true, HeartbeatInterval: testHeartbeat, ElectionTimeout: testElection, Logger: quietLogger(),
	})
	require.NoError(t, err)
	t.Cleanup(func() { _ = joined.Stop(context.Background()) })
	assert.Equal(t, newID, joined.ID())
	assert.Equal(t, c.servers[0].ClusterID(), joined.ClusterID())

	rep, err = c.set(0, "/after-join", "x")
	require.NoError(t, err)
	require.NoError(t, rep.Err)
	require.Eventually(t, func() bool { return value(t, joined, "/after-join") == "x" }, 10*time.Second, 5*time.Millisecond)
	require.Eventually(t, func() bool {
		for _, m := range joined.Status().Members {
			if m.ID == newID {
				return m.Name == "joiner"
			}
		}
		return false
	}, 10*time.Second, 5*time.Millisecond, "the joined member publishes its name")
}

func TestRemovedMemberStopsItsLoop(t *testing.T) {
	c := newTestCluster(t, 3)
	lead := c.leader()
	victim := (lead + 1) % 3
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	rep, err := c.servers[lead].Do(ctx, node.Request{Kind: node.KindMemberRemove, MemberID: c.servers[victim].ID()})
	require.NoError(t, err)
	require.NoError(t, rep.Err)
	select {
	case <-c.servers[victim].Done():
	case <-time.After(10 * time.Second):
		t.Fatal("the removed member kept running")
	}
	assert.True(t, errors.Is(c.servers[victim].Err(), ErrRemovedMember))
	_, err = c.servers[victim].Do(ctx, node.Request{Kind: node.KindWrite})
	assert.ErrorIs(t, err, node.ErrRemoved)
	c.stop(victim)
	assert.Equal(t, raft.RoleLeader, c.servers[c.leader()].Status().Role, "the rest of the cluster goes on")
}

func TestJoinWithoutMemberAddFailsClearly(t *testing.T) {
	c := newTestCluster(t, 1)
	c.leader()
	addr := freeAddr(t)
	ln, err := net.Listen("tcp", addr)
	require.NoError(t, err)
	_, err = Start(Config{
		Name: "stranger", DataDir: filepath.Join(t.TempDir(), "s"), PeerListener: ln, PeerURLs: []string{"http://" + addr},
		InitialCluster: c.members, Join: true, JoinTimeout: 300 * time.Millisecond, Logger: quietLogger(),
	})
	require.Error(t, err)
	assert.ErrorIs(t, err, ErrClusterUnreachable)
	assert.Contains(t, err.Error(), "has not been added to the cluster")
}
