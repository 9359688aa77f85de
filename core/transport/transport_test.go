package transport

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/raftlab/raftlab/core/raft"
)

func TestTwoTransportsExchangeEveryField(t *testing.T) {
	a, b := startNode(t, 1, 7, "", nil), startNode(t, 2, 7, "", nil)
	connect(a, b)
	// Snapshots travel on streams of their own (TestSnapshotsAreStreamedInChunks).
	toB, toA := framedMessages(fullMessages(1, 2)), framedMessages(fullMessages(2, 1))
	a.Send(toB)
	b.Send(toA)
	require.Eventually(t, func() bool { return b.inbox.len() == len(toB) && a.inbox.len() == len(toA) }, waitFor, pollEvery)
	assert.Equal(t, toB, b.inbox.all())
	assert.Equal(t, toA, a.inbox.all())

	// The counters trail the deliveries a little (a writer counts its bytes after its write returns,
	// which may be after the reader has handed the messages on), so they are awaited, not sampled.
	require.Eventually(t, func() bool {
		stats := a.Stats()[2]
		return stats.MessagesSent == uint64(len(toB)) && stats.MessagesReceived == uint64(len(toA)) &&
			stats.BytesSent > 0 && stats.BytesSent == b.Stats()[1].BytesReceived
	}, waitFor, pollEvery, "a counts what it sent and received, b counts the bytes a wrote")
	stats := a.Stats()[2]
	assert.True(t, stats.Connected)
	assert.Positive(t, stats.HandshakeRTT)
	assert.Empty(t, a.Unreachable())
}

func TestThreeTransportsExchange(t *testing.T) {
	nodes := []*node{startNode(t, 1, 7, "", nil), startNode(t, 2, 7, "", nil), startNode(t, 3, 7, "", nil)}
	connect(nodes...)
	for _, from := range nodes {
		var msgs []raft.Message
		for _, to := range nodes {
			if to != from {
				msgs = append(msgs, heartbeat(from.id, to.id, 10*from.id+to.id))
			}
		}
		from.Send(msgs)
	}
	for _, n := range nodes {
		require.Eventually(t, func() bool { return n.inbox.len() == 2 }, waitFor, pollEvery)
		var terms []uint64
		for _, m := range n.inbox.all() {
			assert.Equal(t, n.id, m.To)
			terms = append(terms, m.Term-n.id)
		}
		slices.Sort(terms)
		var want []uint64
		for _, from := range nodes {
			if from != n {
				want = append(want, 10*from.id)
			}
		}
		assert.Equal(t, want, terms, "member %d hears from both others", n.id)
	}
}

// Messages that pile up while the writer is busy go out together: many messages, few frames.
func TestSendBatchesPendingMessages(t *testing.T) {
	gate := make(chan struct{})
	a := startNode(t, 1, 7, "", func(c *Config) { c.Dial = gatedDial(gate) })
	b := startNode(t, 2, 7, "", nil)
	a.AddPeer(2, []string{b.addr})
	b.AddPeer(1, []string{a.addr})
	const count = 1000
	for i := range count {
		a.Send([]raft.Message{heartbeat(1, 2, uint64(i+1))})
	}
	close(gate)
	require.Eventually(t, func() bool { return b.inbox.len() == count }, waitFor, pollEvery)
	for i, m := range b.inbox.all() {
		require.Equal(t, uint64(i+1), m.Term, "order kept")
	}
	// A writer counts a frame after its write returns, which may be after the reader handed it on.
	require.Eventually(t, func() bool {
		sent := a.Stats()[2]
		return sent.MessagesSent == count && sent.FramesSent == b.Stats()[1].FramesReceived
	}, waitFor, pollEvery, "a counts every message it sent, in the frames b read")
	assert.LessOrEqual(t, a.Stats()[2].FramesSent, uint64(2), "the writer held one message while dialing, then sent the rest at once")
}

// A batch bigger than the receiver's frame limit (learnt in the handshake) is split, not refused.
func TestSendSplitsBatchesAtTheReceiversLimit(t *testing.T) {
	gate := make(chan struct{})
	a := startNode(t, 1, 7, "", func(c *Config) { c.Dial = gatedDial(gate) })
	b := startNode(t, 2, 7, "", func(c *Config) { c.MaxFrameBytes = 2048 })
	a.AddPeer(2, []string{b.addr})
	b.AddPeer(1, []string{a.addr})
	var msgs []raft.Message
	for i := range 101 {
		msgs = append(msgs, raft.Message{Type: raft.MsgApp, From: 1, To: 2, Index: uint64(i),
			Entries: []raft.Entry{{Term: 1, Index: uint64(i + 1), Data: bytes.Repeat([]byte{'x'}, 100)}}})
	}
	a.Send(msgs)
	close(gate)
	require.Eventually(t, func() bool { return b.inbox.len() == len(msgs) }, waitFor, pollEvery)
	assert.Equal(t, msgs, b.inbox.all())
	sent := a.Stats()[2]
	assert.GreaterOrEqual(t, sent.FramesSent, sent.BytesSent/2048, "no frame above 2048 bytes")
	assert.NotContains(t, b.log.String(), "closing inbound stream")
}

func TestOversizedMessageIsDroppedBySender(t *testing.T) {
	a := startNode(t, 1, 7, "", func(c *Config) { c.MaxFrameBytes = 1024 })
	b := startNode(t, 2, 7, "", nil)
	connect(a, b)
	big := raft.Message{Type: raft.MsgApp, From: 1, To: 2, Context: make([]byte, 4096)}
	small := heartbeat(1, 2, 5)
	a.Send([]raft.Message{big, small})
	require.Eventually(t, func() bool { return b.inbox.len() == 1 }, waitFor, pollEvery)
	assert.Equal(t, []raft.Message{small}, b.inbox.all())
	stats := a.Stats()[2]
	assert.Equal(t, uint64(1), stats.MessagesDropped)
	require.ErrorIs(t, stats.LastError, ErrFrameTooLarge)
	assert.Contains(t, stats.LastError.Error(), "does not fit the 1024-byte frame limit")
	assert.Contains(t, a.log.String(), "dropping oversized message")
}

// rawStream opens a stream to n by hand and completes the handshake as member from, which n
// knows as a peer.
func rawStream(t *testing.T, n *node, cluster, from uint64) (net.Conn, int) {
	t.Helper()
	n.AddPeer(from, []string{"127.0.0.1:1"}) // n never writes to it
	conn, err := net.Dial("tcp", n.addr)
	require.NoError(t, err)
	t.Cleanup(func() { _ = conn.Close() })
	require.NoError(t, writeHello(conn, hello{Version: ProtocolVersion, ClusterID: cluster, From: from, To: n.id}))
	limit, err := readAnswer(conn)
	require.NoError(t, err)
	return conn, limit
}

// requireClosedByPeer waits for the other side to close conn.
func requireClosedByPeer(t *testing.T, conn net.Conn) {
	t.Helper()
	require.NoError(t, conn.SetReadDeadline(time.Now().Add(waitFor)))
	_, err := conn.Read(make([]byte, 1))
	require.Error(t, err)
	var netErr net.Error
	require.False(t, errors.As(err, &netErr) && netErr.Timeout(), "stream was not reset")
}

func TestReceiverResetsStreamOnOversizedFrame(t *testing.T) {
	b := startNode(t, 2, 7, "", func(c *Config) { c.MaxFrameBytes = 4096 })
	conn, limit := rawStream(t, b, 7, 1)
	require.Equal(t, 4096, limit, "the handshake announces the frame limit")
	_, err := conn.Write([]byte{0, 0, 0x10, 0x01}) // 4097 bytes follow, supposedly
	require.NoError(t, err)
	requireClosedByPeer(t, conn)
	assert.Contains(t, b.log.String(), "frame of 4097 bytes exceeds the limit of 4096 bytes")
	assert.Zero(t, b.inbox.len())
}

func TestReceiverResetsStreamOnForgedSender(t *testing.T) {
	b := startNode(t, 2, 7, "", nil)
	conn, _ := rawStream(t, b, 7, 1)
	require.NoError(t, EncodeFrame(conn, []raft.Message{heartbeat(1, 2, 1), heartbeat(3, 2, 1)}))
	requireClosedByPeer(t, conn)
	assert.Contains(t, b.log.String(), "message from 3 to 2 on the stream from member 1")
	assert.Zero(t, b.inbox.len(), "a frame with a forged message is refused whole")
}

func TestNewStreamFromAPeerReplacesItsOldOne(t *testing.T) {
	b := startNode(t, 2, 7, "", nil)
	old, _ := rawStream(t, b, 7, 1)
	current, _ := rawStream(t, b, 7, 1)
	requireClosedByPeer(t, old)
	require.NoError(t, EncodeFrame(current, []raft.Message{heartbeat(1, 2, 4)}))
	require.Eventually(t, func() bool { return b.inbox.len() == 1 }, waitFor, pollEvery)
}

func TestSilentInboundStreamTimesOut(t *testing.T) {
	b := startNode(t, 2, 7, "", func(c *Config) { c.DialTimeout = 20 * time.Millisecond })
	conn, err := net.Dial("tcp", b.addr)
	require.NoError(t, err)
	defer conn.Close()
	requireClosedByPeer(t, conn)
	assert.Contains(t, b.log.String(), "inbound stream failed before its hello")
}

func TestHandshakeRefusals(t *testing.T) {
	tests := []struct {
		name       string
		bCluster   uint64
		addressTo  uint64 // the member ID a believes lives at b's address
		wantReason string
	}{
		{"other cluster", 8, 2, "cluster ID mismatch: member 1 belongs to cluster 7, member 2 belongs to cluster 8"},
		{"other member", 7, 3, "member ID mismatch: stream from member 1 is addressed to member 3, but this is member 2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := startNode(t, 1, 7, "", nil)
			b := startNode(t, 2, tt.bCluster, "", nil)
			a.AddPeer(tt.addressTo, []string{b.addr})
			m := heartbeat(1, tt.addressTo, 1)
			sendUntil(t, a, m, func() bool { return a.Stats()[tt.addressTo].Failures >= 2 })

			refused, ok := errors.AsType[*RefusedError](a.Stats()[tt.addressTo].LastError)
			require.True(t, ok, "dialer error %v is a *RefusedError", a.Stats()[tt.addressTo].LastError)
			assert.Equal(t, tt.wantReason, refused.Reason)
			assert.Contains(t, a.log.String(), "peer refused our stream")
			assert.Contains(t, b.log.String(), tt.wantReason, "the acceptor logs the reason too")
			assert.Contains(t, a.Unreachable(), tt.addressTo)
			assert.False(t, a.Stats()[tt.addressTo].Connected)
			assert.Zero(t, b.inbox.len())
		})
	}
}

func TestAcceptorRefusesNonRaftlabStreams(t *testing.T) {
	b := startNode(t, 2, 7, "", nil)
	conn, err := net.Dial("tcp", b.addr)
	require.NoError(t, err)
	defer conn.Close()
	_, err = conn.Write([]byte("GET /v2/keys/message HTTP/1.1\r\nHost: x\r\n\r\n"))
	require.NoError(t, err)
	_, err = readAnswer(conn)
	refused, ok := errors.AsType[*RefusedError](err)
	require.True(t, ok, "got %v", err)
	assert.Contains(t, refused.Reason, "not a raftlab peer stream")
}

func TestReconnectAfterListenerRestarts(t *testing.T) {
	a := startNode(t, 1, 7, "", nil)
	b := startNode(t, 2, 7, "", nil)
	connect(a, b)
	a.Send([]raft.Message{heartbeat(1, 2, 1)})
	require.Eventually(t, func() bool { return b.inbox.len() == 1 }, waitFor, pollEvery)

	require.NoError(t, b.Close())
	require.Eventually(t, func() bool { return !a.Stats()[2].Connected }, waitFor, pollEvery,
		"the closed stream is noticed without sending")
	assert.Equal(t, []uint64{2}, a.Unreachable())
	sendUntil(t, a, heartbeat(1, 2, 2), func() bool { return a.Stats()[2].Failures >= 1 })

	restarted := startNode(t, 2, 7, b.addr, nil)
	restarted.AddPeer(1, []string{a.addr})
	sendUntil(t, a, heartbeat(1, 2, 3), func() bool { return restarted.inbox.len() > 0 })
	assert.Equal(t, uint64(3), restarted.inbox.all()[0].Term)
	assert.True(t, a.Stats()[2].Connected)
}

func TestFirstReachableAddressWinsAndUpdatePeerMovesTheStream(t *testing.T) {
	dead, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	deadAddr := dead.Addr().String()
	require.NoError(t, dead.Close())

	a := startNode(t, 1, 7, "", nil)
	b := startNode(t, 2, 7, "", nil)
	a.AddPeer(2, []string{deadAddr, b.addr})
	b.AddPeer(1, []string{a.addr})
	sendUntil(t, a, heartbeat(1, 2, 1), func() bool { return b.inbox.len() > 0 })

	moved := startNode(t, 2, 7, "", nil)
	moved.AddPeer(1, []string{a.addr})
	a.UpdatePeer(2, []string{moved.addr})
	sendUntil(t, a, heartbeat(1, 2, 2), func() bool { return moved.inbox.len() > 0 })
	assert.Equal(t, uint64(2), moved.inbox.all()[0].Term)
	assert.Contains(t, a.log.String(), "peer addresses changed")
}

func TestSendToUnknownOrRemovedPeerDrops(t *testing.T) {
	a := startNode(t, 1, 7, "", nil)
	b := startNode(t, 2, 7, "", nil)
	connect(a, b)
	a.Send([]raft.Message{heartbeat(1, 9, 1)})
	require.NotContains(t, a.Stats(), uint64(9))

	a.mu.RLock()
	removed := a.peers[2]
	a.mu.RUnlock()
	a.RemovePeer(2)
	a.Send([]raft.Message{heartbeat(1, 2, 1)})
	assert.NotContains(t, a.Stats(), uint64(2), "a removed peer has no stats")
	select {
	case <-removed.done:
	default:
		t.Fatal("RemovePeer returned before the peer's writer stopped")
	}
	assert.Zero(t, b.inbox.len())
}

func TestQueueOverflowDropsAndReportsUnreachable(t *testing.T) {
	gate := make(chan struct{})
	a := startNode(t, 1, 7, "", func(c *Config) { c.Dial = gatedDial(gate); c.QueueLen = 4 })
	b := startNode(t, 2, 7, "", nil)
	a.AddPeer(2, []string{b.addr})
	b.AddPeer(1, []string{a.addr})
	var msgs []raft.Message
	for i := range 20 {
		msgs = append(msgs, heartbeat(1, 2, uint64(i)))
	}
	a.Send(msgs)
	dropped := a.Stats()[2].MessagesDropped
	assert.GreaterOrEqual(t, dropped, uint64(20-2*4), "at most the queue plus the batch in the writer's hand survive")
	assert.Equal(t, []uint64{2}, a.Unreachable())
	assert.Empty(t, a.Unreachable(), "Unreachable resets")
	close(gate)
	require.Eventually(t, func() bool { return uint64(b.inbox.len()) == 20-dropped }, waitFor, pollEvery)
}

func TestCloseLeavesNoGoroutines(t *testing.T) {
	gate := make(chan struct{}) // never opened: one writer stays blocked in Dial until Close
	nodes := []*node{startNode(t, 1, 7, "", nil), startNode(t, 2, 7, "", nil), startNode(t, 3, 7, "", nil)}
	connect(nodes...)
	stuck := startNode(t, 4, 7, "", func(c *Config) { c.Dial = gatedDial(gate) })
	stuck.AddPeer(1, []string{nodes[0].addr})
	stuck.Send([]raft.Message{heartbeat(4, 1, 1)})
	for _, n := range nodes {
		n.Send([]raft.Message{heartbeat(n.id, n.id%3+1, 1)})
	}
	for _, n := range nodes {
		require.Eventually(t, func() bool { return n.inbox.len() == 1 }, waitFor, pollEvery)
	}
	require.NotEmpty(t, transportGoroutines())
	for _, n := range append(nodes, stuck) {
		require.NoError(t, n.Close())
		require.NoError(t, n.Close(), "Close is idempotent")
	}
	requireNoTransportGoroutines(t)
	nodes[0].Send([]raft.Message{heartbeat(1, 2, 2)}) // after Close: dropped, no panic
	nodes[0].AddPeer(5, []string{"127.0.0.1:1"})
	assert.NotContains(t, nodes[0].Stats(), uint64(5), "no peer is added after Close")
	requireNoTransportGoroutines(t)
}

func TestNewValidatesConfig(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	valid := Config{LocalID: 1, Listener: ln, Handler: func(raft.Message) {}}
	tests := []struct {
		name    string
		adjust  func(*Config)
		wantErr string
	}{
		{"zero local ID", func(c *Config) { c.LocalID = 0 }, "LocalID must not be zero"},
		{"no listener", func(c *Config) { c.Listener = nil }, "Listener is required"},
		{"no handler", func(c *Config) { c.Handler = nil }, "Handler is required"},
		{"negative queue", func(c *Config) { c.QueueLen = -1 }, "QueueLen must not be negative"},
		{"huge frames", func(c *Config) { c.MaxFrameBytes = 1 << 33 }, "exceeds the 32-bit frame length"},
		{"backoff upside down", func(c *Config) { c.BackoffMin = time.Second; c.BackoffMax = time.Millisecond }, "BackoffMin 1s exceeds BackoffMax 1ms"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := valid
			tt.adjust(&cfg)
			_, err := New(cfg)
			require.ErrorContains(t, err, tt.wantErr)
		})
	}
	tr, err := New(valid)
	require.NoError(t, err)
	assert.Equal(t, DefaultQueueLen, tr.cfg.QueueLen)
	assert.Equal(t, DefaultMaxFrameBytes, tr.cfg.MaxFrameBytes)
	assert.Equal(t, DefaultBackoffMin, tr.cfg.BackoffMin)
}

func TestBackoffGrowsWithJitterAndResets(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	reachable := false
	tr, err := New(Config{LocalID: 1, ClusterID: 7, Listener: ln, Handler: func(raft.Message) {},
		BackoffMin: 100 * time.Millisecond, BackoffMax: 350 * time.Millisecond,
		Dial: func(context.Context, string) (net.Conn, error) {
			if !reachable {
				return nil, errors.New("no route")
			}
			return pipePeer(t, 7, 2), nil
		}})
	require.NoError(t, err)
	defer tr.Close()
	p := newPeer(tr, 2, []string{"peer-2:1"})
	defer p.closeConn()
	var waits, backoffs []time.Duration
	for range 4 {
		p.nextDial = time.Time{} // pretend the wait is over
		before := time.Now()
		p.deliver([]raft.Message{heartbeat(1, 2, 1)})
		waits = append(waits, p.nextDial.Sub(before))
		backoffs = append(backoffs, p.backoff)
	}
	assert.Equal(t, []time.Duration{200, 350, 350, 350}, scale(backoffs, time.Millisecond))
	for i, limit := range []time.Duration{100, 200, 350, 350} {
		assert.GreaterOrEqual(t, waits[i], limit*time.Millisecond/2, "wait %d", i)
		assert.LessOrEqual(t, waits[i], limit*time.Millisecond+50*time.Millisecond, "wait %d", i)
	}
	assert.Equal(t, uint64(4), p.sent.failures.Load())
	require.ErrorContains(t, p.stats().LastError, "peer-2:1: dial: no route")

	reachable = true
	p.deliver([]raft.Message{heartbeat(1, 2, 1)})
	assert.Equal(t, uint64(4), p.sent.failures.Load(), "no dial while backing off")
	assert.Equal(t, uint64(5), p.sent.dropped.Load(), "messages during the backoff are dropped")

	p.nextDial = time.Time{}
	p.deliver([]raft.Message{heartbeat(1, 2, 1)})
	assert.Equal(t, uint64(1), p.sent.messages.Load())
	assert.Equal(t, 100*time.Millisecond, p.backoff, "a successful write resets the backoff")
}

// pipePeer returns the dialer's end of an in-memory stream whose other end accepts the handshake
// for member id of cluster and then reads and discards everything.
func pipePeer(t *testing.T, cluster, id uint64) net.Conn {
	dialer, acceptor := net.Pipe()
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer acceptor.Close()
		h, err := readHello(acceptor)
		if err != nil || checkHello(h, cluster, id) != "" || writeAnswer(acceptor, DefaultMaxFrameBytes, "") != nil {
			return
		}
		_, _ = io.Copy(io.Discard, acceptor)
	}()
	t.Cleanup(func() { _ = dialer.Close(); <-done })
	return dialer
}

func scale(ds []time.Duration, unit time.Duration) []time.Duration {
	out := make([]time.Duration, len(ds))
	for i, d := range ds {
		out[i] = d / unit
	}
	return out
}

// TestFirstMessageAfterAPeerRestartIsDelivered: a stream the peer closed while nothing was being
// sent (the peer restarted) is replaced by a fresh dial for the next message, which is delivered,
// not dropped for a backoff: a follower's first message to a restarted member that just became
// leader is often a forwarded proposal, which nothing would send again.
func TestFirstMessageAfterAPeerRestartIsDelivered(t *testing.T) {
	slowRetry := func(c *Config) { c.BackoffMin, c.BackoffMax = 10*time.Second, 20*time.Second }
	a := startNode(t, 1, 7, "", slowRetry)
	b := startNode(t, 2, 7, "", nil)
	connect(a, b)
	a.Send([]raft.Message{heartbeat(1, 2, 1)})
	require.Eventually(t, func() bool { return b.inbox.len() == 1 }, waitFor, pollEvery)

	require.NoError(t, b.Close())
	restarted := startNode(t, 2, 7, b.addr, nil)
	restarted.AddPeer(1, []string{a.addr}) // streams are accepted from peers only
	require.Eventually(t, func() bool { return !a.Stats()[2].Connected }, waitFor, pollEvery)
	a.Send([]raft.Message{heartbeat(1, 2, 2)})
	require.Eventually(t, func() bool { return restarted.inbox.len() == 1 }, waitFor, pollEvery,
		"the one message sent after the restart arrives")
	assert.Equal(t, uint64(0), a.Stats()[2].MessagesDropped)
}

// A forwarded proposal whose entries together exceed the frame limit reaches the leader as several
// proposals carrying every entry in order (each entry is a client's request: dropping the message
// left every one of them waiting for a timeout).
func TestOversizedProposalIsSplitBetweenFrames(t *testing.T) {
	a := startNode(t, 1, 7, "", func(c *Config) { c.MaxFrameBytes = 1024 })
	b := startNode(t, 2, 7, "", nil)
	connect(a, b)
	var ents []raft.Entry
	for i := range 9 {
		ents = append(ents, raft.Entry{Type: raft.EntryNormal, Data: bytes.Repeat([]byte{byte('a' + i)}, 300)})
	}
	a.Send([]raft.Message{{Type: raft.MsgProp, From: 1, To: 2, Entries: ents}})
	var got []raft.Entry
	require.Eventually(t, func() bool {
		got = got[:0]
		for _, m := range b.inbox.all() {
			assert.Equal(t, raft.MsgProp, m.Type)
			got = append(got, m.Entries...)
		}
		return len(got) == len(ents)
	}, waitFor, pollEvery)
	assert.Equal(t, ents, got)
	assert.Greater(t, len(b.inbox.all()), 1, "split into several proposals")
	stats := a.Stats()[2]
	assert.Zero(t, stats.MessagesDropped)
	assert.NotContains(t, a.log.String(), "dropping oversized message")
}
