package netsim

import (
	"fmt"
	"testing"

	"github.com/raftlab/raftlab/checker/history"
	"github.com/stretchr/testify/require"
)

func TestWorkloadClientsRecordSequentialHistories(t *testing.T) {
	cfg := fakeConfig(5, 3)
	cfg.Clients = ClientConfig{Count: 4, Workload: KeysWorkload(3), Interval: 50 * ms}
	s := newFakeSim(t, cfg)
	s.Run(10e9)
	ops := s.History()
	require.Greater(t, len(ops), 400)
	last := map[int]int64{}
	kinds := map[history.Kind]int{}
	outcomes := map[history.Outcome]int{}
	for _, op := range ops {
		require.NoError(t, op.Validate())
		require.GreaterOrEqual(t, op.Call, last[op.Client], "client %d overlaps itself", op.Client)
		last[op.Client] = op.Return
		kinds[op.Kind]++
		outcomes[op.Outcome]++
	}
	require.Zero(t, outcomes[history.OutcomeUnknown], "a healthy fake cluster answers everything")
	require.Positive(t, outcomes[history.OutcomeFail], "creates of existing keys fail with 105")
	for _, k := range []history.Kind{history.KindGet, history.KindQGet, history.KindSet, history.KindCAS, history.KindDelete} {
		require.Positive(t, kinds[k], "kind %s generated", k)
	}
	require.Len(t, last, 4)
}

func TestClientsRetryOnAnotherNodeWithTheSameRequestID(t *testing.T) {
	cfg := fakeConfig(5, 3)
	cfg.Clients = ClientConfig{Count: 1, Workload: Workload{Name: "w", Keys: []string{"k"}, Mix: []KindWeight{{Kind: ReqSet, Weight: 1}}},
		Timeout: 100 * ms, Attempts: 3}
	s := newFakeSim(t, cfg)
	require.NoError(t, s.Pause(1)) // client 0 starts on node 1
	require.True(t, s.RunUntil(func() bool { return len(s.History()) > 0 }, 5e9))
	op := s.History()[0]
	require.Equal(t, history.OutcomeOK, op.Outcome)
	require.Equal(t, "n2", op.Node, "failed over to the next node")
	require.GreaterOrEqual(t, op.Return-op.Call, 100*ms)
	require.NoError(t, s.Resume(1))
	// The paused node got the same request (same ID) when it resumed.
	p1, p2 := fake(s, 1), fake(s, 2)
	require.Len(t, p1.log, 1)
	require.Equal(t, p2.log[0].Data, p1.log[0].Data)
}

func TestTimeoutsOnEveryAttemptGiveUnknown(t *testing.T) {
	cfg := fakeConfig(5, 3)
	cfg.Clients = ClientConfig{Count: 2, Workload: Workload{Name: "w", Keys: []string{"k"}, Mix: []KindWeight{{Kind: ReqSet, Weight: 1}, {Kind: ReqQuorumGet, Weight: 1}}},
		Timeout: 100 * ms, Attempts: 2}
	s := newFakeSim(t, cfg)
	for _, id := range s.Nodes() {
		require.NoError(t, s.Pause(id))
	}
	s.Run(3e9)
	ops := s.History()
	require.NotEmpty(t, ops)
	for _, op := range ops {
		require.Equal(t, history.OutcomeUnknown, op.Outcome, "%s", op)
		require.Empty(t, op.Node)
	}
}

func TestScriptedCallValidation(t *testing.T) {
	s := newFakeSim(t, fakeConfig(1, 3))
	_, err := s.Do(Request{Kind: 0, Key: "a"}, DoOptions{})
	require.Error(t, err)
	_, err = s.Do(Request{Kind: ReqSet}, DoOptions{})
	require.Error(t, err)
	_, err = s.Do(Request{Kind: ReqSet, Key: "a"}, DoOptions{Target: 7})
	require.Error(t, err)
	_, err = s.Do(Request{Kind: ReqMemberAdd, Member: MemberSpec{Name: "n4"}}, DoOptions{})
	require.Error(t, err)
	_, err = s.Do(Request{Kind: ReqMemberRemove}, DoOptions{})
	require.Error(t, err)
	c, err := s.Do(Request{Kind: ReqGet, Key: "a"}, DoOptions{})
	require.NoError(t, err)
	require.True(t, s.RunUntil(c.Done, 1e9))
	require.Equal(t, history.OutcomeOK, c.Op().Outcome)
	require.False(t, c.Op().Found, "error 100 on a read is a successful read of nothing")
}

func TestWorkloadValidation(t *testing.T) {
	tests := []struct {
		name string
		w    Workload
		ok   bool
	}{
		{"register", RegisterWorkload(), true},
		{"keys", KeysWorkload(5), true},
		{"ttl", TTLWorkload(2, 1e9), true},
		{"no keys", Workload{Name: "x", Mix: []KindWeight{{Kind: ReqSet, Weight: 1}}}, false},
		{"no mix", Workload{Name: "x", Keys: []string{"k"}}, false},
		{"negative", Workload{Name: "x", Keys: []string{"k"}, Mix: []KindWeight{{Kind: ReqSet, Weight: -1}}}, false},
		{"member kind", Workload{Name: "x", Keys: []string{"k"}, Mix: []KindWeight{{Kind: ReqMemberAdd, Weight: 1}}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.w.Validate()
			if tt.ok {
				require.NoError(t, err)
			} else {
				require.Error(t, err)
			}
		})
	}
	cfg := fakeConfig(1, 1)
	cfg.Clients = ClientConfig{Count: 1, Workload: Workload{Name: "bad"}}
	_, err := New(cfg)
	require.Error(t, err)
}

func TestWorkloadFromSeedIsDeterministicAndVaries(t *testing.T) {
	names := map[string]bool{}
	for seed := range uint64(20) {
		a, b := WorkloadFromSeed(seed), WorkloadFromSeed(seed)
		require.Equal(t, a, b)
		require.NoError(t, a.Validate())
		names[a.Name] = true
	}
	require.Greater(t, len(names), 3)
}

func TestTTLWorkloadWritesCarryTTL(t *testing.T) {
	cfg := fakeConfig(1, 1)
	var seen []Request
	cfg.NewProcess = func(spec ProcessSpec) (Process, error) {
		p, err := newFakeProcess(spec)
		return &recordingProcess{Process: p, reqs: &seen}, err
	}
	cfg.Clients = ClientConfig{Count: 2, Workload: TTLWorkload(2, 3e9)}
	s := newFakeSim(t, cfg)
	s.Run(2e9)
	writes := 0
	for _, r := range seen {
		if r.Kind == ReqSet {
			writes++
			require.Equal(t, int64(3e9), r.TTL)
		}
	}
	require.Positive(t, writes)
}

// recordingProcess records every submitted request.
type recordingProcess struct {
	Process
	reqs *[]Request
}

func (r *recordingProcess) Submit(req Request) {
	*r.reqs = append(*r.reqs, req)
	r.Process.Submit(req)
}

func TestWrittenValuesNameTheirClientAndOperation(t *testing.T) {
	for _, c := range []struct {
		client int
		seq    uint64
	}{{0, 1}, {7, 42}, {12, 18446744073709551615}} {
		require.Equal(t, fmt.Sprintf("c%d-%d", c.client, c.seq), writtenValue(c.client, c.seq))
	}
}

// The history is kept in chunks and handed out whole and in order; a copy, so a caller may keep it.
func TestOpLogKeepsEveryOperationInOrder(t *testing.T) {
	var l opLog
	for i := range 3*opChunk + 7 {
		l.add(history.Op{Client: i})
	}
	got := l.all()
	require.Len(t, got, 3*opChunk+7)
	for i, op := range got {
		require.Equal(t, i, op.Client)
	}
	require.Len(t, l.chunks, 4)
	require.Equal(t, opChunk, cap(l.chunks[0]), "a full chunk was never regrown")
	got[0].Client = -1
	require.Equal(t, 0, l.all()[0].Client)
}
