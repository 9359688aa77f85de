package transport

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/raftlab/raftlab/core/raft"
)

// errRemoteClosed reports an outbound stream that the other side closed.
var errRemoteClosed = errors.New("transport: stream closed by the remote member")

// peer is the outbound side of one peer: its queue and the writer goroutine that owns the stream.
type peer struct {
	id     uint64
	t      *Transport
	log    *slog.Logger
	queue  chan raft.Message
	ctx    context.Context // canceled by stop
	cancel context.CancelFunc
	done   chan struct{} // closed when run returns
	sent   sendCounters
	// snapshotBusy is set while a snapshot stream to the peer is open (see startSnapshot).
	snapshotBusy atomic.Bool

	mu           sync.Mutex // guards the fields below
	addrs        []string
	addrsChanged bool
	lastErr      error
	current      net.Conn // the stream the writer owns, for the watcher to recognise
	connected    bool
	rtt          time.Duration

	// Owned by the writer goroutine.
	conn      net.Conn
	dead      chan struct{} // closed by the watcher when conn breaks
	unwatch   func() bool   // stops closing conn on cancellation
	remoteMax int           // the peer's frame limit, from the handshake
	backoff   time.Duration
	nextDial  time.Time
	rng       *rand.Rand
	buf       []byte
}

func newPeer(t *Transport, id uint64, addrs []string) *peer {
	ctx, cancel := context.WithCancel(t.ctx)
	return &peer{
		id:      id,
		t:       t,
		log:     t.log.With("peer", fmt.Sprintf("%x", id)),
		queue:   make(chan raft.Message, t.cfg.QueueLen),
		ctx:     ctx,
		cancel:  cancel,
		done:    make(chan struct{}),
		addrs:   slices.Clone(addrs),
		backoff: t.cfg.BackoffMin,
		rng:     rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), id)),
	}
}

func (p *peer) setAddrs(addrs []string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !slices.Equal(p.addrs, addrs) {
		p.addrs = slices.Clone(addrs)
		p.addrsChanged = true
	}
}

// takeAddrs returns the current addresses and clears the change flag.
func (p *peer) takeAddrs() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.addrsChanged = false
	return slices.Clone(p.addrs)
}

func (p *peer) addrsChangedSinceDial() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.addrsChanged
}

func (p *peer) stats() PeerStats {
	p.mu.Lock()
	defer p.mu.Unlock()
	return PeerStats{
		Connected:       p.connected,
		MessagesSent:    p.sent.messages.Load(),
		FramesSent:      p.sent.frames.Load(),
		BytesSent:       p.sent.bytes.Load(),
		MessagesDropped: p.sent.dropped.Load(),
		Failures:        p.sent.failures.Load(),
		LastError:       p.lastErr,
		HandshakeRTT:    p.rtt,
		SnapshotsSent:   p.sent.snapshots.Load(),
		SnapshotsFailed: p.sent.snapshotsFailed.Load(),
	}
}

// stop ends the writer and waits for it.
func (p *peer) stop() {
	p.cancel()
	<-p.done
}

// run is the writer goroutine: it waits for a message, takes everything else pending and delivers
// the batch.
func (p *peer) run() {
	defer p.t.wg.Done()
	defer close(p.done)
	defer p.closeConn()
	batch := make([]raft.Message, 0, 64)
	for {
		select {
		case <-p.ctx.Done():
			return
		case m := <-p.queue:
			batch = append(batch[:0], m)
		}
		for len(batch) < cap(p.queue) {
			select {
			case m := <-p.queue:
				batch = append(batch, m)
				continue
			default:
			}
			break
		}
		if batch = p.divertSnapshots(batch); len(batch) > 0 {
			p.deliver(batch)
		}
		clear(batch) // let the entries be collected
	}
}

// deliver writes batch to the stream, opening it first if needed. On failure the batch and the
// queue are dropped.
func (p *peer) deliver(batch []raft.Message) {
	if p.conn != nil {
		select {
		case <-p.dead:
			fresh := p.backoff == p.t.cfg.BackoffMin // the last delivery succeeded
			p.fail(errRemoteClosed)
			if fresh {
				// The stream broke while idle, maybe long ago (the peer restarted): this batch gets a
				// new stream rather than being dropped for a backoff. A stream that keeps breaking
				// before a delivery succeeds backs off as usual.
				p.nextDial = time.Time{}
			}
		default:
			if p.addrsChangedSinceDial() {
				p.log.Info("peer addresses changed, reconnecting")
				p.closeConn()
			}
		}
	}
	if p.conn == nil {
		if time.Now().Before(p.nextDial) {
			p.drop(len(batch))
			return
		}
		if err := p.connect(); err != nil {
			if p.ctx.Err() != nil {
				return
			}
			p.fail(err)
			p.drop(len(batch))
			return
		}
	}
	if err := p.write(batch); err != nil {
		if p.ctx.Err() != nil {
			return
		}
		p.fail(err)
		p.drop(len(batch))
		return
	}
	p.backoff = p.t.cfg.BackoffMin
}

// drop counts n lost messages, discards the queue too and reports the peer unreachable.
func (p *peer) drop(n int) {
	for {
		select {
		case <-p.queue:
			n++
			continue
		default:
		}
		break
	}
	p.sent.dropped.Add(uint64(n))
	p.t.markUnreachable(p.id)
}

// fail closes the stream after err, reports the peer and schedules the next dial.
func (p *peer) fail(err error) {
	p.closeConn()
	p.sent.failures.Add(1)
	p.t.markUnreachable(p.id)
	p.mu.Lock()
	repeated := p.lastErr != nil && p.lastErr.Error() == err.Error()
	p.lastErr = err
	p.mu.Unlock()
	wait := p.backoff/2 + time.Duration(p.rng.Int64N(int64(p.backoff/2)+1))
	p.nextDial = time.Now().Add(wait)
	p.backoff = min(2*p.backoff, p.t.cfg.BackoffMax)
	level := slog.LevelWarn
	if repeated {
		level = slog.LevelDebug
	}
	p.log.Log(p.ctx, level, "peer stream failed", "err", err, "retry_in", wait)
}
