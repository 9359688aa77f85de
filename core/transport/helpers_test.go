package transport

import (
	"bytes"
	"context"
	"log/slog"
	"net"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/raftlab/raftlab/core/raft"
)

// waitFor is how long the tests wait for something asynchronous to happen.
const waitFor = 5 * time.Second

// pollEvery is the polling interval of require.Eventually.
const pollEvery = 2 * time.Millisecond

// syncBuffer is a goroutine-safe log sink.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// inbox collects the messages a transport's Handler receives.
type inbox struct {
	mu   sync.Mutex
	msgs []raft.Message
}

func (in *inbox) handle(m raft.Message) {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.msgs = append(in.msgs, m)
}

func (in *inbox) all() []raft.Message {
	in.mu.Lock()
	defer in.mu.Unlock()
	return append([]raft.Message(nil), in.msgs...)
}

func (in *inbox) len() int {
	in.mu.Lock()
	defer in.mu.Unlock()
	return len(in.msgs)
}

// node is a started transport with its inbox and log.
type node struct {
	*Transport
	id    uint64
	addr  string
	inbox *inbox
	log   *syncBuffer
}

// startNode starts a transport for member id of cluster on 127.0.0.1 (or on addr when given),
// after letting adjust change its config. It is closed when the test ends.
func startNode(t *testing.T, id, cluster uint64, addr string, adjust func(*Config)) *node {
	t.Helper()
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	require.NoError(t, err)
	n := &node{id: id, addr: ln.Addr().String(), inbox: &inbox{}, log: &syncBuffer{}}
	cfg := Config{
		LocalID:    id,
		ClusterID:  cluster,
		Listener:   ln,
		Handler:    n.inbox.handle,
		Logger:     slog.New(slog.NewTextHandler(n.log, &slog.HandlerOptions{Level: slog.LevelDebug})),
		BackoffMin: time.Millisecond,
		BackoffMax: 10 * time.Millisecond,
	}
	if adjust != nil {
		adjust(&cfg)
	}
	tr, err := New(cfg)
	require.NoError(t, err)
	tr.Start()
	n.Transport = tr
	t.Cleanup(func() { _ = tr.Close() })
	return n
}

// connect makes every node a peer of every other.
func connect(nodes ...*node) {
	for _, a := range nodes {
		for _, b := range nodes {
			if a != b {
				a.AddPeer(b.id, []string{b.addr})
			}
		}
	}
}

// heartbeat is a small message from one member to another.
func heartbeat(from, to, term uint64) raft.Message {
	return raft.Message{Type: raft.MsgHeartbeat, From: from, To: to, Term: term, Commit: term}
}

// sendUntil keeps sending m until cond holds, for links that need a reconnect first.
func sendUntil(t *testing.T, from *node, m raft.Message, cond func() bool) {
	t.Helper()
	require.Eventually(t, func() bool {
		if cond() {
			return true
		}
		from.Send([]raft.Message{m})
		return false
	}, waitFor, 5*time.Millisecond)
}

// requireNeverDelivered keeps sending heartbeats from one node to another for a while: none of
// them arrives.
func requireNeverDelivered(t *testing.T, from, to *node) {
	t.Helper()
	require.Never(t, func() bool {
		from.Send([]raft.Message{heartbeat(from.id, to.id, 3)})
		return slices.ContainsFunc(to.inbox.all(), func(m raft.Message) bool { return m.From == from.id })
	}, 300*time.Millisecond, 10*time.Millisecond)
}

// transportGoroutines returns the stacks of live goroutines running transport code.
func transportGoroutines() []string {
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	var found []string
	for _, g := range strings.Split(string(buf), "\n\n") {
		if strings.Contains(g, "core/transport.(*") {
			found = append(found, g)
		}
	}
	return found
}

// requireNoTransportGoroutines fails unless every transport goroutine has ended.
func requireNoTransportGoroutines(t *testing.T) {
	t.Helper()
	require.Eventually(t, func() bool { return len(transportGoroutines()) == 0 }, waitFor, pollEvery,
		"leaked goroutines:\n%s", strings.Join(transportGoroutines(), "\n\n"))
}

// gatedDial returns a Dial that waits until gate is closed before dialing.
func gatedDial(gate <-chan struct{}) func(ctx context.Context, addr string) (net.Conn, error) {
	return func(ctx context.Context, addr string) (net.Conn, error) {
		select {
		case <-gate:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		var d net.Dialer
		return d.DialContext(ctx, "tcp", addr)
	}
}

// fullMessages returns messages that use every field, in the shapes the encoder distinguishes.
func fullMessages(from, to uint64) []raft.Message {
	manyEntries := make([]raft.Entry, 20)
	for i := range manyEntries {
		manyEntries[i] = raft.Entry{Term: 7, Index: uint64(100 + i), Type: raft.EntryNormal, Data: []byte{byte(i)}}
	}
	return []raft.Message{
		{
			Type: raft.MsgApp, From: from, To: to, Term: 7, LogTerm: 6, Index: 99, Commit: 98,
			Entries: []raft.Entry{
				{Term: 7, Index: 100, Type: raft.EntryNormal, Data: []byte("much")},
				{Term: 7, Index: 101, Type: raft.EntryConfChange, Data: []byte{}},
				{Term: 7, Index: 102, Type: raft.EntryNoop},
			},
		},
		{Type: raft.MsgApp, From: from, To: to, Term: 7, Index: 99, Entries: manyEntries},
		{Type: raft.MsgApp, From: from, To: to, Term: 7, Entries: []raft.Entry{}},
		{
			Type: raft.MsgSnap, From: from, To: to, Term: 1<<40 + 3,
			Snapshot: &raft.Snapshot{
				Metadata: raft.SnapshotMetadata{Index: 1 << 33, Term: 300,
					ConfState: raft.ConfState{Voters: []uint64{1, 2, 1 << 63}, Learners: []uint64{}}},
				Data: bytes.Repeat([]byte("wow"), 30000),
			},
		},
		{Type: raft.MsgSnap, From: from, To: to, Snapshot: &raft.Snapshot{}},
		{Type: raft.MsgAppResp, From: from, To: to, Term: 70000, Index: 1<<64 - 1, Reject: true, RejectHint: 255},
		{Type: raft.MsgReadIndex, From: from, To: to, Context: []byte("read-ctx-1")},
		{Type: raft.MsgTimeoutNow, From: from, To: to, Context: []byte{}},
		heartbeat(from, to, 128),
	}
}
