package raft

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestProposeBatchSendsOneAppendPerFollower(t *testing.T) {
	tests := []struct {
		name       string
		proposer   uint64
		wantProps  int // MsgProp messages the proposer sends to the leader
		wantAppsTo int // MsgApp messages the leader sends to each follower
	}{
		{name: "leader", proposer: 1, wantProps: 0, wantAppsTo: 1},
		{name: "follower forwards one message", proposer: 2, wantProps: 1, wantAppsTo: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			nw := newNetwork(t, 3)
			nw.campaign(1)
			props := 0
			apps := map[uint64]int{}
			nw.drop = func(m Message) bool {
				switch {
				case m.Type == MsgProp:
					props++
				case m.Type == MsgApp && len(m.Entries) > 0:
					apps[m.To]++
				}
				return false
			}
			batch := [][]byte{[]byte("a"), []byte("b"), []byte("c"), []byte("d")}
			require.NoError(t, nw.nodes[tt.proposer].ProposeBatch(batch))
			nw.stabilize()
			assert.Equal(t, tt.wantProps, props)
			assert.Equal(t, map[uint64]int{2: tt.wantAppsTo, 3: tt.wantAppsTo}, apps)
			for id := uint64(1); id <= 3; id++ {
				assert.Equal(t, []string{"a", "b", "c", "d"}, nw.data(id), "node %d", id)
			}
		})
	}
}

func TestProposeBatchRefusals(t *testing.T) {
	nw := newNetwork(t, 3)
	require.ErrorIs(t, nw.nodes[1].ProposeBatch(nil), ErrProposalDropped)
	var nl *NotLeaderError
	require.ErrorAs(t, nw.nodes[1].ProposeBatch([][]byte{[]byte("x")}), &nl, "no leader yet")
	nw.campaign(1)
	nw.isolate(3)
	nw.nodes[1].TransferLeadership(3)
	require.ErrorIs(t, nw.nodes[1].ProposeBatch([][]byte{[]byte("x"), []byte("y")}), ErrProposalDropped)
	assert.Empty(t, nw.data(1), "a refused batch appends nothing")
}
