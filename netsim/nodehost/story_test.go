package nodehost

import (
	"testing"

	"github.com/raftlab/raftlab/checker/history"
	"github.com/raftlab/raftlab/core/node"
	"github.com/raftlab/raftlab/core/raft"
	"github.com/raftlab/raftlab/netsim"
	"github.com/stretchr/testify/require"
)

// userValues is a node's log as the talk's slides show it: the values of user writes, with their
// indexes among user writes.
func userValues(s *netsim.Sim, id uint64) []string {
	var out []string
	for _, e := range s.Log(id) {
		if v, ok := node.EntryValue(e); ok {
			out = append(out, v)
		}
	}
	return out
}

// TestMuchWowCool replays the talk's partition walk-through with the engine's API (the story runner
// in scenarios does the same from the story file).
func TestMuchWowCool(t *testing.T) {
	cfg := netsim.Config{Seed: 1, Nodes: 5, Link: netsim.LinkConfig{Latency: netsim.Latency{Min: ms, Spread: 4 * ms}}}
	s, mon := newCluster(t, cfg, Options{ElectionTicks: 10, HeartbeatTicks: 1, DisableCheckQuorum: true})
	n1, n2 := uint64(1), uint64(2)

	require.NoError(t, Campaign(s, n1))
	require.True(t, s.RunUntil(leaderElected(s), 5*second))
	lead, term := s.Leader()
	require.Equal(t, n1, lead)
	require.Equal(t, uint64(1), term)

	much, err := s.Do(netsim.Request{Kind: netsim.ReqSet, Key: "/message", Value: "much"}, netsim.DoOptions{Target: n1})
	require.NoError(t, err)
	require.True(t, s.RunUntil(much.Done, s.Now()+2*second))
	require.Equal(t, history.OutcomeOK, much.Op().Outcome)
	s.RunFor(300 * ms)
	for _, id := range s.Nodes() {
		require.Equal(t, []string{"much"}, userValues(s, id))
	}

	s.Net().Partition([]uint64{1, 2}, []uint64{3, 4, 5})
	// wow's client gives up after two election timeouts, before the network heals (as in the slides).
	wow, err := s.Do(netsim.Request{Kind: netsim.ReqSet, Key: "/message", Value: "wow"}, netsim.DoOptions{Target: n1, Timeout: 2 * second})
	require.NoError(t, err)
	s.RunFor(300 * ms)
	require.Equal(t, []string{"much", "wow"}, userValues(s, n1))
	require.Equal(t, []string{"much", "wow"}, userValues(s, n2))
	require.Equal(t, []string{"much"}, userValues(s, 3))

	require.True(t, s.RunUntil(func() bool {
		id, tm := s.Leader()
		return id > 2 && tm == 2
	}, s.Now()+10*second))
	newLeader, _ := s.Leader()
	info, err := s.Info(n1)
	require.NoError(t, err)
	require.Equal(t, raft.RoleLeader, info.Status.Role, "without check-quorum the old leader keeps believing")

	cool, err := s.Do(netsim.Request{Kind: netsim.ReqSet, Key: "/message", Value: "cool"}, netsim.DoOptions{Target: newLeader})
	require.NoError(t, err)
	require.True(t, s.RunUntil(cool.Done, s.Now()+2*second))
	require.Equal(t, history.OutcomeOK, cool.Op().Outcome)
	require.True(t, s.RunUntil(wow.Done, s.Now()+3*second))
	require.NotEqual(t, history.OutcomeOK, wow.Op().Outcome)

	s.Net().Heal()
	require.True(t, s.RunUntil(func() bool {
		i, _ := s.Info(n1)
		return i.Status.Role == raft.RoleFollower
	}, s.Now()+5*second))
	s.RunFor(1 * second)
	for _, id := range s.Nodes() {
		require.Equal(t, []string{"much", "cool"}, userValues(s, id), "n%d", id)
	}
	read, err := s.Do(netsim.Request{Kind: netsim.ReqQuorumGet, Key: "/message"}, netsim.DoOptions{})
	require.NoError(t, err)
	require.True(t, s.RunUntil(read.Done, s.Now()+2*second))
	require.Equal(t, "cool", read.Op().Result)
	require.Empty(t, mon.Violations())
	requireLinearizable(t, s.History())
}

// TestWriteWaitingAcrossAHealIsResubmitted: the slides' wow, but its client still waits when the
// network heals. Its entry is discarded with n1's term-1 log, and n1, seeing the term-2 leader,
// submits the request again (same ID): wow is committed after cool, once, and its client is answered.
func TestWriteWaitingAcrossAHealIsResubmitted(t *testing.T) {
	cfg := netsim.Config{Seed: 1, Nodes: 5, Link: netsim.LinkConfig{Latency: netsim.Latency{Min: ms, Spread: 4 * ms}}}
	s, mon := newCluster(t, cfg, Options{ElectionTicks: 10, HeartbeatTicks: 1, DisableCheckQuorum: true})
	require.NoError(t, Campaign(s, 1))
	require.True(t, s.RunUntil(leaderElected(s), 5*second))
	s.Net().Partition([]uint64{1, 2}, []uint64{3, 4, 5})
	wow, err := s.Do(netsim.Request{Kind: netsim.ReqSet, Key: "/message", Value: "wow"}, netsim.DoOptions{Target: 1, Timeout: 30 * second})
	require.NoError(t, err)
	require.True(t, s.RunUntil(func() bool { id, tm := s.Leader(); return id > 2 && tm == 2 }, s.Now()+10*second))
	newLeader, _ := s.Leader()
	cool, err := s.Do(netsim.Request{Kind: netsim.ReqSet, Key: "/message", Value: "cool"}, netsim.DoOptions{Target: newLeader})
	require.NoError(t, err)
	require.True(t, s.RunUntil(cool.Done, s.Now()+2*second))
	s.Net().Heal()
	require.True(t, s.RunUntil(wow.Done, s.Now()+5*second))
	require.Equal(t, history.OutcomeOK, wow.Op().Outcome, "the waiting write went through after the heal")
	s.RunFor(1 * second)
	for _, id := range s.Nodes() {
		require.Equal(t, []string{"cool", "wow"}, userValues(s, id), "n%d: wow once, after cool", id)
	}
	require.Empty(t, mon.Violations())
	requireLinearizable(t, s.History())
}
