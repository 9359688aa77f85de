package raft

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestProposeOutcomes(t *testing.T) {
	tests := []struct {
		name       string
		setup      func(nw *network)
		proposer   uint64
		wantLeader uint64 // for *NotLeaderError
		wantErr    error
		forwarded  bool
	}{
		{name: "no leader known", setup: func(nw *network) {}, proposer: 2, wantLeader: None, wantErr: &NotLeaderError{}},
		{name: "candidate", setup: func(nw *network) { nw.isolate(2); _ = nw.nodes[2].Campaign() }, proposer: 2, wantLeader: None, wantErr: &NotLeaderError{}},
		{name: "follower forwards", setup: func(nw *network) { nw.campaign(1) }, proposer: 2, forwarded: true},
		{name: "forwarding disabled", setup: func(nw *network) {
			nw.campaign(1)
			nw.node(2).disableForwarding = true
		}, proposer: 2, wantLeader: 1, wantErr: &NotLeaderError{}},
		{name: "leader transfer in progress", setup: func(nw *network) {
			nw.campaign(1)
			nw.isolate(3)
			nw.nodes[1].TransferLeadership(3)
		}, proposer: 1, wantErr: ErrProposalDropped},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			nw := newNetwork(t, 3)
			tt.setup(nw)
			nw.stabilize()
			err := nw.nodes[tt.proposer].Propose([]byte("p"))
			switch want := tt.wantErr.(type) {
			case nil:
				require.NoError(t, err)
			case *NotLeaderError:
				var nl *NotLeaderError
				require.ErrorAs(t, err, &nl)
				assert.Equal(t, tt.wantLeader, nl.Leader)
			default:
				require.ErrorIs(t, err, want)
			}
			if tt.forwarded {
				rd := nw.nodes[tt.proposer].Ready()
				require.Len(t, rd.Messages, 1)
				assert.Equal(t, MsgProp, rd.Messages[0].Type)
				assert.Equal(t, uint64(1), rd.Messages[0].To)
				nw.queue = append(nw.queue, rd.Messages...)
				nw.nodes[tt.proposer].Advance(rd)
				nw.stabilize()
				assert.Equal(t, []string{"p"}, nw.data(3), "the forwarded proposal commits")
			}
		})
	}
}

func TestNotLeaderErrorText(t *testing.T) {
	assert.Equal(t, "raft: not leader (no leader known)", (&NotLeaderError{}).Error())
	assert.Equal(t, "raft: not leader", (&NotLeaderError{Leader: 2}).Error())
}

func TestMaxUncommittedEntriesSize(t *testing.T) {
	nw := newNetwork(t, 3, func(c *Config) { c.MaxUncommittedEntriesSize = 10 })
	nw.campaign(1)
	nw.isolate(2)
	nw.isolate(3)
	require.NoError(t, nw.propose(1, "12345678"), "the first proposal is always accepted")
	require.ErrorIs(t, nw.propose(1, "12345"), ErrProposalDropped)
	nw.heal()
	nw.tick(2 * testHeartbeat)
	require.NoError(t, nw.propose(1, "12345"), "committing frees the budget")
}

func TestEmptyProposalRefused(t *testing.T) {
	nw := newNetwork(t, 1)
	nw.campaign(1)
	require.ErrorIs(t, nw.node(1).Step(Message{From: 1, Type: MsgProp}), ErrProposalDropped)
}

func TestBatchingByMaxSizePerMsg(t *testing.T) {
	tests := []struct {
		name    string
		maxSize uint64
		perMsg  int
	}{
		{name: "zero: one entry per message", maxSize: 0, perMsg: 1},
		{name: "room for two entries", maxSize: 2 * entrySize(Entry{Data: []byte("payload")}), perMsg: 2},
		{name: "unlimited", maxSize: noLimit, perMsg: 6},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			nw := newNetwork(t, 3, func(c *Config) { c.MaxSizePerMsg = tt.maxSize })
			nw.campaign(1)
			nw.isolate(2)
			for i := 0; i < 6; i++ {
				require.NoError(t, nw.propose(1, "payload"))
			}
			largest := 0
			nw.drop = func(m Message) bool {
				if m.Type == MsgApp && m.To == 2 {
					largest = max(largest, len(m.Entries))
				}
				return false
			}
			nw.heal()
			nw.nodes[1].r.prs[2].becomeProbe()
			nw.node(1).sendAppend(2)
			nw.stabilize()
			assert.Equal(t, tt.perMsg, largest)
			assert.Len(t, nw.data(2), 6)
		})
	}
}

func TestInflightWindowBoundsPipelining(t *testing.T) {
	nw := newNetwork(t, 3, func(c *Config) { c.MaxInflightMsgs = 3; c.MaxSizePerMsg = 0 })
	nw.campaign(1)
	nw.drop = func(m Message) bool { return m.Type == MsgAppResp } // nothing is acknowledged
	for i := 0; i < 10; i++ {
		require.NoError(t, nw.nodes[1].Propose([]byte("p")))
	}
	sent := 0
	for _, m := range nw.node(1).msgs {
		if m.Type == MsgApp && m.To == 2 {
			sent++
		}
	}
	assert.Equal(t, 3, sent, "at most MaxInflightMsgs unacknowledged MsgApp")
	pr := progressOf(nw.nodes[1].Status(), 2)
	assert.Equal(t, 3, pr.Inflight)
	assert.Equal(t, ProgressReplicate, pr.State)
	nw.drop = nil
	nw.stabilize()
	nw.tick(2 * testHeartbeat)
	assert.Len(t, nw.data(2), 10)
}

func TestStepRefusesLocalAndUnknown(t *testing.T) {
	nw := newNetwork(t, 3)
	for _, mt := range []MessageType{MsgHup, MsgBeat, MsgUnreachable, MsgSnapStatus, MsgCheckQuorum} {
		require.ErrorIs(t, nw.nodes[1].Step(Message{Type: mt, From: 2}), ErrStepLocalMsg, mt.String())
	}
	require.ErrorIs(t, nw.nodes[1].Step(Message{Type: MsgAppResp, From: 9, Term: 1}), ErrStepPeerNotFound)
	assert.Equal(t, uint64(0), nw.node(1).term)
}

func TestReportUnreachableSwitchesToProbe(t *testing.T) {
	nw := newNetwork(t, 3)
	nw.campaign(1)
	require.Equal(t, ProgressReplicate, nw.node(1).prs[2].state)
	nw.nodes[1].ReportUnreachable(2)
	assert.Equal(t, ProgressProbe, nw.node(1).prs[2].state)
}

func TestConfigValidation(t *testing.T) {
	valid := func() Config { return testConfig(1, []uint64{1}, NewMemoryStorage()) }
	tests := []struct {
		name   string
		mutate func(*Config)
	}{
		{"zero ID", func(c *Config) { c.ID = 0 }},
		{"no heartbeat", func(c *Config) { c.HeartbeatTick = 0 }},
		{"election not above heartbeat", func(c *Config) { c.ElectionTick = c.HeartbeatTick }},
		{"no storage", func(c *Config) { c.Storage = nil }},
		{"no rand", func(c *Config) { c.Rand = nil }},
		{"negative window", func(c *Config) { c.MaxInflightMsgs = -1 }},
		{"peer and learner", func(c *Config) { c.Learners = []uint64{1} }},
		{"applied beyond commit", func(c *Config) { c.Applied = 5 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := valid()
			tt.mutate(&c)
			_, err := NewNode(c)
			require.ErrorIs(t, err, ErrInvalidConfig)
		})
	}
	_, err := NewNode(valid())
	require.NoError(t, err)
}

func TestReadyContract(t *testing.T) {
	nw := newNetwork(t, 1)
	n := nw.nodes[1]
	assert.False(t, n.HasReady())
	require.NoError(t, n.Campaign())
	require.True(t, n.HasReady())
	rd := n.Ready()
	require.NotNil(t, rd.SoftState)
	assert.Equal(t, SoftState{Lead: 1, Role: RoleLeader}, *rd.SoftState)
	assert.Equal(t, HardState{Term: 1, Vote: 1, Commit: 1}, rd.HardState)
	require.Len(t, rd.Entries, 1)
	assert.True(t, rd.MustSync)
	require.Len(t, rd.CommittedEntries, 1, "a single node commits as soon as it appends")
	// Ready again before Advance does not hand out committed entries twice.
	again := n.Ready()
	assert.Empty(t, again.CommittedEntries)
	assert.Nil(t, again.SoftState)
	require.NoError(t, nw.storage[1].Append(rd.Entries))
	n.Advance(rd)
	assert.False(t, n.HasReady())
	assert.Equal(t, uint64(1), n.Status().Applied)
	require.NoError(t, n.Propose([]byte("x")))
	rd = n.Ready()
	assert.True(t, rd.MustSync, "new entries need an fsync")
}

func TestCommitOnlyChangeNeedsNoSync(t *testing.T) {
	r := newTestRaft(t, 2, []uint64{1, 2}, HardState{Term: 1, Vote: 1}, ents(1, 1))
	n := &Node{r: r, prevSoft: r.softState(), prevHard: r.hardState()}
	require.NoError(t, n.Step(Message{From: 1, To: 2, Term: 1, Type: MsgHeartbeat, Commit: 2}))
	rd := n.Ready()
	assert.Equal(t, HardState{Term: 1, Vote: 1, Commit: 2}, rd.HardState)
	assert.False(t, rd.MustSync)
	assert.Len(t, rd.CommittedEntries, 2)
}

func TestRestartValidation(t *testing.T) {
	s := newStorageWith(t, 1, 1)
	require.NoError(t, s.SetHardState(HardState{Term: 1, Commit: 5}))
	_, err := NewNode(testConfig(1, []uint64{1}, s))
	require.ErrorIs(t, err, ErrInvalidConfig, "commit beyond the log")

	s = newStorageWith(t, 1, 1, 1)
	_, err = s.CreateSnapshot(2, &ConfState{Voters: []uint64{1, 2}}, nil)
	require.NoError(t, err)
	require.NoError(t, s.Compact(2))
	require.NoError(t, s.SetHardState(HardState{Term: 1, Commit: 1}))
	n, err := NewNode(testConfig(1, nil, s))
	require.NoError(t, err)
	st := n.Status()
	assert.Equal(t, uint64(2), st.HardState.Commit, "the snapshot point is committed")
	assert.Equal(t, []uint64{1, 2}, st.ConfState.Voters, "membership comes from the snapshot")
}

func TestStepRejectsMalformedMessages(t *testing.T) {
	tests := []struct {
		name string
		m    Message
	}{
		{"no sender", Message{Type: MsgApp, Term: 1}},
		{"addressed to another node", Message{Type: MsgApp, From: 2, To: 3, Term: 1}},
		{"forwarded proposal with a term", Message{Type: MsgProp, From: 2, Term: 5, Entries: []Entry{{}}}},
		{"snapshot message without snapshot", Message{Type: MsgSnap, From: 2, Term: 5}},
		{"unknown type", Message{Type: 99, From: 2, Term: 5}},
		{"append without term", Message{Type: MsgApp, From: 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			nw := newNetwork(t, 3)
			before := nw.nodes[1].Status()
			require.ErrorIs(t, nw.nodes[1].Step(tt.m), ErrInvalidMessage)
			assert.Equal(t, before, nw.nodes[1].Status(), "nothing changed")
		})
	}
}
