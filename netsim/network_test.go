package netsim

import (
	"testing"

	"github.com/raftlab/raftlab/core/raft"
	"github.com/stretchr/testify/require"
)

// heartbeatRun runs a fake cluster whose nodes heartbeat every peer on every tick.
func heartbeatRun(t *testing.T, seed uint64, link LinkConfig, d int64, setup func(s *Sim)) *Sim {
	t.Helper()
	cfg := fakeConfig(seed, 3)
	cfg.Link = link
	cfg.TickInterval = 10 * ms
	s := newFakeSim(t, cfg)
	if setup != nil {
		setup(s)
	}
	s.Run(d)
	return s
}

func TestPartitionCutsBothDirectionsAndHealRepairs(t *testing.T) {
	s := heartbeatRun(t, 1, LinkConfig{Latency: Latency{Min: ms}}, 0, nil)
	s.Net().Partition([]uint64{1}, []uint64{2, 3})
	s.Run(1e9)
	require.Zero(t, fake(s, 1).received[2])
	require.Zero(t, fake(s, 2).received[1])
	require.Zero(t, fake(s, 3).received[1])
	require.Greater(t, fake(s, 2).received[3], 90)
	require.Equal(t, []Link{{1, 2}, {1, 3}, {2, 1}, {3, 1}}, s.Net().CutLinks())

	s.Net().Heal()
	s.Run(2e9)
	require.Greater(t, fake(s, 1).received[2], 90)
	require.Greater(t, fake(s, 2).received[1], 90)
	require.Empty(t, s.Net().CutLinks())
}

func TestOneWayCutDropsOnlyThatDirection(t *testing.T) {
	s := heartbeatRun(t, 1, LinkConfig{Latency: Latency{Min: ms}}, 0, nil)
	s.Net().Cut(Link{From: 1, To: 2})
	s.Run(1e9)
	require.Zero(t, fake(s, 2).received[1], "1->2 is cut")
	require.Greater(t, fake(s, 1).received[2], 90, "2->1 still works")
	require.Greater(t, fake(s, 3).received[1], 90)
	s.Net().Connect(Link{From: 1, To: 2})
	s.Run(2e9)
	require.Greater(t, fake(s, 2).received[1], 90)
}

func TestIsolateAndMessagesInFlightAreDropped(t *testing.T) {
	// A long latency puts messages in flight; cutting the link drops them on arrival.
	s := heartbeatRun(t, 1, LinkConfig{Latency: Latency{Min: 500 * ms}}, 0, nil)
	s.Run(400 * ms)
	s.Net().Isolate(2)
	s.Run(3e9)
	require.Zero(t, fake(s, 2).received[1])
	require.Zero(t, fake(s, 1).received[2])
	require.NotZero(t, s.Net().Stats().Cut)
	require.Greater(t, fake(s, 1).received[3], 200)
}

func TestLossDuplicationReorderStatistics(t *testing.T) {
	const d = 20e9 // 3 nodes × 2 peers × 100 ticks/s × 20 s = 12000 messages
	tests := []struct {
		name string
		link LinkConfig
		// expected fractions of sent messages
		lost, duplicated, reordered float64
	}{
		{"clean", LinkConfig{Latency: Latency{Min: ms, Spread: 2 * ms}}, 0, 0, 0},
		{"loss 10%", LinkConfig{Latency: Latency{Min: ms, Spread: 2 * ms}, Loss: 0.1}, 0.1, 0, 0},
		{"dup 5%", LinkConfig{Latency: Latency{Min: ms, Spread: 2 * ms}, Duplicate: 0.05, ReorderDelay: 30 * ms}, 0, 0.05, 0},
		{"reorder 20%", LinkConfig{Latency: Latency{Min: ms, Spread: 2 * ms}, Reorder: 0.2, ReorderDelay: 50 * ms}, 0, 0, 0.2},
		{"all", LinkConfig{Latency: Latency{Min: ms, Spread: 5 * ms, Dist: DistExponential}, Loss: 0.3, Duplicate: 0.1, Reorder: 0.3, ReorderDelay: 50 * ms}, 0.3, 0.07, 0.21},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := heartbeatRun(t, 3, tt.link, d, nil)
			st := s.Net().Stats()
			sent := float64(st.Sent)
			require.Greater(t, sent, 10000.0)
			require.InDelta(t, tt.lost, float64(st.Lost)/sent, 0.015)
			require.InDelta(t, tt.duplicated, float64(st.Duplicated)/sent, 0.015)
			require.InDelta(t, tt.reordered, float64(st.Reordered)/sent, 0.015)
			// Every message sent is accounted for: delivered once or lost, plus its duplicate, minus
			// what is still in flight at the end.
			inFlight := st.Sent - st.Lost + st.Duplicated - st.Delivered
			require.Less(t, inFlight, uint64(100))

			// Out-of-order arrivals (per sender) happen only when messages may be reordered.
			outOfOrder := 0
			for _, id := range s.Nodes() {
				outOfOrder += countOutOfOrder(fake(s, id))
			}
			if tt.reordered == 0 && tt.duplicated == 0 {
				require.Zero(t, outOfOrder, "links are FIFO unless reordering is on")
			} else {
				require.Positive(t, outOfOrder)
			}
		})
	}
}

// countOutOfOrder counts heartbeats that arrived after a later heartbeat of the same sender.
func countOutOfOrder(p *fakeProcess) int {
	n := 0
	for _, seqs := range p.perSender {
		for i := 1; i < len(seqs); i++ {
			if seqs[i] < seqs[i-1] {
				n++
			}
		}
	}
	return n
}

func TestLinkConfigValidation(t *testing.T) {
	s := newFakeSim(t, fakeConfig(1, 3))
	require.Error(t, s.Net().SetDefaults(LinkConfig{Loss: 1.5}))
	require.Error(t, s.Net().SetDefaults(LinkConfig{Reorder: -0.1}))
	require.Error(t, s.Net().SetLink(Link{1, 2}, LinkConfig{Latency: Latency{Min: -1}}))
	require.NoError(t, s.Net().SetLink(Link{1, 2}, LinkConfig{Loss: 1}))
	require.Equal(t, 1.0, s.Net().Config(Link{1, 2}).Loss)
	require.Zero(t, s.Net().Config(Link{2, 1}).Loss)
	s.Run(1e9)
	require.Zero(t, fake(s, 2).received[1])
	require.NotZero(t, fake(s, 1).received[2])
	s.Net().ClearLinks()
	s.Run(2e9)
	require.NotZero(t, fake(s, 2).received[1])
}

func TestLatencyDistributions(t *testing.T) {
	s := newFakeSim(t, fakeConfig(9, 1))
	rng := s.Rand()
	uniform := Latency{Min: 10, Spread: 100}
	exp := Latency{Min: 10, Spread: 100, Dist: DistExponential}
	var sumU, sumE float64
	const n = 20000
	for range n {
		u := uniform.draw(rng)
		require.GreaterOrEqual(t, u, int64(10))
		require.Less(t, u, int64(110))
		sumU += float64(u)
		e := exp.draw(rng)
		require.GreaterOrEqual(t, e, int64(10))
		sumE += float64(e)
	}
	require.InDelta(t, 59.5, sumU/n, 2)
	require.InDelta(t, 110, sumE/n, 4)
	require.Equal(t, int64(7), Latency{Min: 7}.draw(rng))
}

func TestMessageDeliveryAllocatesNothing(t *testing.T) {
	s := newFakeSim(t, fakeConfig(3, 3))
	s.Run(500 * ms)
	require.NoError(t, s.Crash(3))
	m := raft.Message{Type: raft.MsgHeartbeat, From: 1, To: 3, Term: 2}
	allocs := testing.AllocsPerRun(200, func() {
		s.net.schedule(s.Now(), m)
		for s.queue.peek().kind != evDeliver {
			s.queue.pop() // other events (ticks of the live nodes) are not under test
		}
		require.True(t, s.Step())
	})
	require.Zero(t, allocs, "a scheduled delivery reuses a recycled message box and formats its trace line in place")
	require.NotEmpty(t, s.net.boxes)
}

// FIFO per link holds across the start of a node: a link to a member whose node has not started yet
// keeps its last delivery time when the node's host appears.
func TestLinkOrderSurvivesTheStartOfItsNode(t *testing.T) {
	s := newFakeSim(t, fakeConfig(1, 3))
	early := s.net.lastDeliveryOf(Link{From: 1, To: 9})
	*early = 500
	require.NoError(t, s.addHost(MemberSpec{ID: 9, Name: "n9"}, true))
	cell := s.net.lastDeliveryOf(Link{From: 1, To: 9})
	require.Equal(t, int64(500), *cell)
	require.Empty(t, s.net.lastDeliveryOther)
	require.Same(t, cell, s.net.lastDeliveryOf(Link{From: 1, To: 9}), "now a cell of the table")
	require.Equal(t, int64(0), *s.net.lastDeliveryOf(Link{From: 9, To: 1}), "links are directed")
}

// Hosts are found by ID through the dense table below maxDenseID and through the map above it.
func TestHostsAreFoundByIDDenseOrNot(t *testing.T) {
	s := newFakeSim(t, fakeConfig(1, 3))
	require.NoError(t, s.addHost(MemberSpec{ID: maxDenseID + 5, Name: "far"}, true))
	for _, id := range []uint64{1, 2, 3, maxDenseID + 5} {
		require.NotNil(t, s.hostByID(id), "id %d", id)
		require.Equal(t, id, s.hostByID(id).id)
	}
	require.Nil(t, s.hostByID(4))
	require.Nil(t, s.hostByID(maxDenseID+6))
	require.Equal(t, "far", s.name(maxDenseID+5))
}
