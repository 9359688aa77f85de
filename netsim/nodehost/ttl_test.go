package nodehost

import (
	"fmt"
	"testing"

	"github.com/raftlab/raftlab/checker/history"
	"github.com/raftlab/raftlab/nemesis"
	"github.com/raftlab/raftlab/netsim"
	"github.com/stretchr/testify/require"
)

// TestTTLKeysExpireByTheLeadersClock: the leader proposes expiry with its own clock, so a leader
// whose clock runs ahead expires keys early for everyone, identically on every replica.
func TestTTLKeysExpireByTheLeadersClock(t *testing.T) {
	s, mon := newCluster(t, netsim.Config{Seed: 7, Nodes: 3}, Options{})
	require.True(t, s.RunUntil(leaderElected(s), 5*second))
	set := func(key string, target uint64) {
		c, err := s.Do(netsim.Request{Kind: netsim.ReqSet, Key: key, Value: "v", TTL: 3 * second}, netsim.DoOptions{Target: target})
		require.NoError(t, err)
		require.True(t, s.RunUntil(c.Done, s.Now()+2*second))
		require.Equal(t, history.OutcomeOK, c.Op().Outcome)
	}
	exists := func(key string) bool {
		c, err := s.Do(netsim.Request{Kind: netsim.ReqQuorumGet, Key: key}, netsim.DoOptions{})
		require.NoError(t, err)
		require.True(t, s.RunUntil(c.Done, s.Now()+2*second))
		require.Equal(t, history.OutcomeOK, c.Op().Outcome)
		return c.Op().Found
	}
	s.RunFor(1 * second) // every follower learns the leader
	lead, _ := s.Leader()
	follower := lead%3 + 1
	set("/ttl/a", follower)
	s.RunFor(1 * second)
	require.True(t, exists("/ttl/a"))
	s.RunFor(3 * second)
	require.False(t, exists("/ttl/a"), "expired after its TTL")

	// The leader's clock jumps 10s ahead: a key whose expiration the follower computed from its own
	// clock (+3s) is already due by the leader's clock and goes at the next expiry sync.
	f, err := nemesis.Parse(fmt.Sprintf("clock-skew n%d +10s", lead))
	require.NoError(t, err)
	require.NoError(t, f.Apply(nemesis.Sim(s)))
	set("/ttl/b", follower)
	s.RunFor(1 * second)
	require.False(t, exists("/ttl/b"), "expired early by the skewed leader's clock")
	require.Empty(t, mon.Violations())
	for _, id := range s.Nodes() {
		require.Equal(t, Store(s, lead).Index(), Store(s, id).Index(), "every replica expired at the same index")
	}
}

func TestNemesisMembershipFaultsWithRealNodes(t *testing.T) {
	s, mon := newCluster(t, netsim.Config{Seed: 8, Nodes: 3}, Options{})
	require.True(t, s.RunUntil(leaderElected(s), 5*second))
	for _, text := range []string{"member add n4", "member remove n2"} {
		f, err := nemesis.Parse(text)
		require.NoError(t, err)
		require.NoError(t, f.Apply(nemesis.Sim(s)))
		s.RunFor(3 * second)
	}
	lead, _ := s.Leader()
	require.NotZero(t, lead)
	var ids []uint64
	for _, m := range Node(s, lead).Status().Members {
		ids = append(ids, m.ID)
	}
	require.Equal(t, []uint64{1, 3, 4}, ids)
	require.Empty(t, mon.Violations())
}
