package transport

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"slices"
	"sync"

	"github.com/raftlab/raftlab/core/raft"
)

// Transport carries Raft messages between cluster members over TCP. All methods are safe for
// concurrent use.
type Transport struct {
	cfg    Config
	log    *slog.Logger
	ctx    context.Context // canceled by Close
	cancel context.CancelFunc
	wg     sync.WaitGroup // every goroutine the transport starts

	startOnce sync.Once
	closeOnce sync.Once

	mu     sync.RWMutex // guards peers and closed
	peers  map[uint64]*peer
	closed bool

	inMu        sync.Mutex // guards the inbound fields and inClosed
	inbound     map[net.Conn]struct{}
	inboundFrom map[uint64]net.Conn // the current stream of each peer
	recv        map[uint64]*recvCounters
	inClosed    bool

	unreachMu       sync.Mutex // guards unreachable and snapshotReports
	unreachable     map[uint64]struct{}
	snapshotReports []SnapshotReport
	// snapshotsIn are the open inbound snapshot streams, by sender (guarded by inMu).
	snapshotsIn map[uint64]net.Conn
	// ownSpool: SnapshotDir was configured, and what is spooled there is this member's alone.
	ownSpool bool
}

// New validates cfg and returns a Transport that accepts nothing until Start.
func New(cfg Config) (*Transport, error) {
	ownSpool := cfg.SnapshotDir != ""
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &Transport{
		cfg:         cfg,
		log:         cfg.Logger.With("local", fmt.Sprintf("%x", cfg.LocalID)),
		ctx:         ctx,
		cancel:      cancel,
		peers:       make(map[uint64]*peer),
		inbound:     make(map[net.Conn]struct{}),
		inboundFrom: make(map[uint64]net.Conn),
		recv:        make(map[uint64]*recvCounters),
		unreachable: make(map[uint64]struct{}),
		snapshotsIn: make(map[uint64]net.Conn),
		ownSpool:    ownSpool,
	}, nil
}

// Start starts the accept loop. Calling it again, or after Close, does nothing.
func (t *Transport) Start() {
	t.startOnce.Do(func() {
		t.mu.RLock()
		defer t.mu.RUnlock()
		if t.closed {
			return
		}
		if t.ownSpool {
			t.removeSpooled()
		}
		t.wg.Add(1)
		go t.acceptLoop()
	})
}

// Addr returns the listener's address.
func (t *Transport) Addr() net.Addr { return t.cfg.Listener.Addr() }

// AddPeer registers peer id reachable at addrs (host:port, tried in order; the first that answers
// the handshake wins). The stream is opened by the first message. Adding a known peer updates its
// addresses, like UpdatePeer.
func (t *Transport) AddPeer(id uint64, addrs []string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed || id == raft.None || id == t.cfg.LocalID {
		return
	}
	if p, ok := t.peers[id]; ok {
		p.setAddrs(addrs)
		return
	}
	p := newPeer(t, id, addrs)
	t.peers[id] = p
	t.wg.Add(1)
	go p.run()
}

// UpdatePeer replaces the addresses of peer id; an open stream is closed and reopened to the new
// addresses by the next message. An unknown peer is added.
func (t *Transport) UpdatePeer(id uint64, addrs []string) { t.AddPeer(id, addrs) }

// RemovePeer forgets peer id, drops its queued messages, waits for its writer to stop and closes
// its inbound stream: from now on nothing it sends is accepted.
func (t *Transport) RemovePeer(id uint64) {
	t.mu.Lock()
	p := t.peers[id]
	delete(t.peers, id)
	t.mu.Unlock()
	t.inMu.Lock()
	if c := t.inboundFrom[id]; c != nil {
		_ = c.Close()
	}
	t.inMu.Unlock()
	if p != nil {
		p.stop()
	}
}

// isPeer reports whether id is a current peer, the only members whose streams are accepted.
func (t *Transport) isPeer(id uint64) bool {
	t.mu.RLock()
	defer t.mu.RUnlock()
	_, ok := t.peers[id]
	return ok
}

// Send queues msgs for their peers (Message.To) and returns at once; consecutive pending messages
// to one peer go out in one write. A message that does not fit its peer's queue is dropped, counted
// in MessagesDropped and the peer reported by Unreachable; a message to an unknown peer (or to this
// member) is dropped with a debug log. Raft retransmits either way.
func (t *Transport) Send(msgs []raft.Message) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	for i := range msgs {
		p := t.peers[msgs[i].To]
		if p == nil {
			t.log.Debug("dropping message to unknown peer", "to", fmt.Sprintf("%x", msgs[i].To), "type", msgs[i].Type)
			continue
		}
		select {
		case p.queue <- msgs[i]:
		default:
			p.sent.dropped.Add(1)
			t.markUnreachable(p.id)
		}
	}
}

// Unreachable returns, in ascending order, the peers whose stream failed or whose messages were
// dropped since the previous call. The host reports them to Raft.
func (t *Transport) Unreachable() []uint64 {
	t.unreachMu.Lock()
	defer t.unreachMu.Unlock()
	ids := make([]uint64, 0, len(t.unreachable))
	for id := range t.unreachable {
		ids = append(ids, id)
	}
	clear(t.unreachable)
	slices.Sort(ids)
	return ids
}

func (t *Transport) markUnreachable(id uint64) {
	t.unreachMu.Lock()
	t.unreachable[id] = struct{}{}
	t.unreachMu.Unlock()
}

// Stats returns the traffic figures of every known peer and of every member that opened a stream to
// this one.
func (t *Transport) Stats() map[uint64]PeerStats {
	out := make(map[uint64]PeerStats)
	t.mu.RLock()
	for id, p := range t.peers {
		out[id] = p.stats()
	}
	t.mu.RUnlock()
	t.inMu.Lock()
	defer t.inMu.Unlock()
	for id, c := range t.recv {
		s := out[id]
		s.MessagesReceived = c.messages.Load()
		s.FramesReceived = c.frames.Load()
		s.BytesReceived = c.bytes.Load()
		s.SnapshotsReceived = c.snapshots.Load()
		out[id] = s
	}
	return out
}

// Close stops accepting, closes the listener and every stream, drops queued messages and waits for
// all goroutines to end. Later calls return nil; Send after Close drops.
func (t *Transport) Close() error {
	var err error
	t.closeOnce.Do(func() {
		t.mu.Lock()
		t.closed = true
		peers := t.peers
		t.peers = make(map[uint64]*peer)
		t.mu.Unlock()

		t.cancel()
		if cerr := t.cfg.Listener.Close(); cerr != nil && !errors.Is(cerr, net.ErrClosed) {
			err = fmt.Errorf("transport: close listener: %w", cerr)
		}
		t.inMu.Lock()
		t.inClosed = true
		for c := range t.inbound {
			_ = c.Close()
		}
		t.inMu.Unlock()
		for _, p := range peers {
			p.stop()
		}
		t.wg.Wait()
	})
	return err
}
