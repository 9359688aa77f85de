package netsim

import (
	"testing"

	"github.com/raftlab/raftlab/checker/history"
	"github.com/stretchr/testify/require"
)

func memberIDs(ms []MemberSpec) []uint64 {
	var out []uint64
	for _, m := range ms {
		out = append(out, m.ID)
	}
	return out
}

func TestAddMemberStartsTheNodeOnlyAfterTheChangeSucceeds(t *testing.T) {
	s := newFakeSim(t, fakeConfig(1, 3))
	id, call, err := s.AddMember("n4")
	require.NoError(t, err)
	require.Equal(t, uint64(4), id)
	require.Nil(t, s.Process(4), "not started before the change is confirmed")
	_, _, err = s.AddMember("n4")
	require.Error(t, err, "the name is reserved")
	require.True(t, s.RunUntil(call.Done, 1e9))
	require.Equal(t, history.OutcomeOK, call.Op().Outcome)
	p := fake(s, 4)
	require.NotNil(t, p)
	require.True(t, p.spec.Join)
	require.Equal(t, []uint64{1, 2, 3, 4}, memberIDs(p.spec.Members), "a joining node learns every member")
	require.Empty(t, s.History(), "membership calls are not key-space operations")

	// An initial node that restarts with an empty disk bootstraps exactly like its peers did.
	require.NoError(t, s.Crash(2))
	require.NoError(t, s.Restart(2))
	require.False(t, fake(s, 2).spec.Join)
	require.Equal(t, []uint64{1, 2, 3}, memberIDs(fake(s, 2).spec.Members))

	_, _, err = s.AddMember("bad name")
	require.Error(t, err)
}

func TestAddMemberThatFailsStartsNothing(t *testing.T) {
	cfg := fakeConfig(1, 3)
	cfg.Clients.Timeout = 50 * ms
	cfg.Clients.Attempts = 2
	s := newFakeSim(t, cfg)
	for _, id := range s.Nodes() {
		require.NoError(t, s.Pause(id))
	}
	_, call, err := s.AddMember("n4")
	require.NoError(t, err)
	require.True(t, s.RunUntil(call.Done, 1e9))
	require.Equal(t, history.OutcomeUnknown, call.Op().Outcome)
	require.Nil(t, s.Process(4))
	require.Equal(t, []uint64{1, 2, 3}, s.Nodes())
}

func TestClientsStopUsingAMemberOnceItsRemovalIsConfirmed(t *testing.T) {
	cfg := fakeConfig(1, 3)
	cfg.Clients = ClientConfig{Count: 4, Workload: KeysWorkload(2), Random: true}
	s := newFakeSim(t, cfg)
	s.Run(1e9)
	rm, err := s.RemoveMember(2)
	require.NoError(t, err)
	require.True(t, s.RunUntil(rm.Done, s.Now()+1e9))
	require.Equal(t, history.OutcomeOK, rm.Op().Outcome)
	removedAt := s.Now()
	s.Run(removedAt + 3e9)
	before, after := 0, 0
	for _, op := range s.History() {
		switch {
		case op.Call < removedAt && op.Node == "n2":
			before++
		case op.Call > removedAt && op.Node == "n2":
			after++
		}
	}
	require.Positive(t, before)
	require.Zero(t, after)
	_, err = s.RemoveMember(9)
	require.Error(t, err)
}
