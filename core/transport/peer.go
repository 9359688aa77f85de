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
	"time"

	"github.com/raftlab/raftlab/core/raft"
)

// maxKeptBuffer is the largest write buffer a writer keeps between batches.
const maxKeptBuffer = 1 << 20

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
		p.deliver(batch)
		clear(batch) // let the entries be collected
	}
}

// deliver writes batch to the stream, opening it first if needed. On failure the batch and the
// queue are dropped.
func (p *peer) deliver(batch []raft.Message) {
	if p.conn != nil {
		select {
		case <-p.dead:
			p.fail(errRemoteClosed)
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

// connect dials the peer's addresses in order and keeps the first stream whose handshake succeeds.
func (p *peer) connect() error {
	addrs := p.takeAddrs()
	if len(addrs) == 0 {
		return fmt.Errorf("transport: member %x has no address", p.id)
	}
	errs := make([]error, 0, len(addrs))
	for _, addr := range addrs {
		conn, remoteMax, rtt, err := p.dial(addr)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", addr, err))
			continue
		}
		p.install(conn, remoteMax, rtt)
		p.log.Info("peer stream connected", "addr", addr, "handshake_rtt", rtt)
		return nil
	}
	return fmt.Errorf("transport: reach member %x: %w", p.id, errors.Join(errs...))
}

// dial opens one stream and runs the handshake, both bounded by DialTimeout and canceled by stop.
func (p *peer) dial(addr string) (net.Conn, int, time.Duration, error) {
	cfg := &p.t.cfg
	ctx, cancel := context.WithTimeout(p.ctx, cfg.DialTimeout)
	defer cancel()
	begin := time.Now()
	conn, err := cfg.Dial(ctx, addr)
	if err != nil {
		return nil, 0, 0, fmt.Errorf("dial: %w", err)
	}
	deadline, _ := ctx.Deadline()
	_ = conn.SetDeadline(deadline)
	unblock := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Unix(1, 0)) })
	remoteMax, err := p.handshake(conn)
	if !unblock() || err != nil {
		_ = conn.Close()
		if err == nil {
			err = ctx.Err()
		}
		return nil, 0, 0, err
	}
	_ = conn.SetDeadline(time.Time{})
	return conn, remoteMax, time.Since(begin), nil
}

func (p *peer) handshake(conn net.Conn) (int, error) {
	cfg := &p.t.cfg
	if err := writeHello(conn, hello{Version: ProtocolVersion, ClusterID: cfg.ClusterID, From: cfg.LocalID, To: p.id}); err != nil {
		return 0, err
	}
	remoteMax, err := readAnswer(conn)
	if refused, ok := errors.AsType[*RefusedError](err); ok {
		p.log.Error("peer refused our stream", "reason", refused.Reason)
	}
	return remoteMax, err
}

// install makes conn the peer's stream and starts its watcher.
func (p *peer) install(conn net.Conn, remoteMax int, rtt time.Duration) {
	p.conn = conn
	p.remoteMax = remoteMax
	p.dead = make(chan struct{})
	p.unwatch = context.AfterFunc(p.ctx, func() { _ = conn.Close() })
	p.mu.Lock()
	p.current = conn
	p.connected = true
	p.rtt = rtt
	p.mu.Unlock()
	p.t.wg.Add(1)
	go p.watch(conn, p.dead)
}

// watch reads the outbound stream, on which the acceptor never writes after the handshake, so that
// a stream the other side closed is noticed at once rather than by a later write. When the read
// ends it closes dead, and if the writer still owns conn, reports the peer unreachable.
func (p *peer) watch(conn net.Conn, dead chan<- struct{}) {
	defer p.t.wg.Done()
	defer close(dead)
	var b [1]byte
	_, _ = conn.Read(b[:])
	p.mu.Lock()
	broken := p.current == conn
	if broken {
		p.connected = false
	}
	p.mu.Unlock()
	if broken {
		p.t.markUnreachable(p.id)
	}
}

func (p *peer) closeConn() {
	if p.conn == nil {
		return
	}
	p.unwatch()
	_ = p.conn.Close()
	p.conn = nil
	p.mu.Lock()
	p.current = nil
	p.connected = false
	p.mu.Unlock()
}

// write encodes batch as few frames as the frame limit allows and writes them with one call. A
// message that alone exceeds the limit is dropped and recorded, without failing the stream.
func (p *peer) write(batch []raft.Message) error {
	limit := min(p.t.cfg.MaxFrameBytes, p.remoteMax)
	buf := p.buf[:0]
	frames, sent := 0, 0
	start, count := len(buf), 0
	buf = beginFrame(buf)
	for i := range batch {
		mark := len(buf)
		buf = appendMessage(buf, &batch[i])
		if framePayloadLen(buf, start) <= limit {
			count++
			continue
		}
		buf = buf[:mark]
		if count > 0 { // close this frame and retry the message in a fresh one
			buf, _ = finishFrame(buf, start, count)
			frames, sent = frames+1, sent+count
			start, count = len(buf), 0
			buf = beginFrame(buf)
			buf = appendMessage(buf, &batch[i])
			if framePayloadLen(buf, start) <= limit {
				count++
				continue
			}
			buf = buf[:start+frameHeaderLen+batchHeaderLen]
		}
		p.tooLarge(&batch[i], limit)
	}
	if count > 0 {
		buf, _ = finishFrame(buf, start, count)
		frames, sent = frames+1, sent+count
	} else {
		buf = buf[:start]
	}
	if cap(buf) <= maxKeptBuffer {
		p.buf = buf[:0]
	} else {
		p.buf = nil
	}
	if frames == 0 {
		return nil
	}
	_ = p.conn.SetWriteDeadline(time.Now().Add(p.t.cfg.WriteTimeout))
	if _, err := p.conn.Write(buf); err != nil {
		return fmt.Errorf("transport: write to member %x: %w", p.id, err)
	}
	p.sent.messages.Add(uint64(sent))
	p.sent.frames.Add(uint64(frames))
	p.sent.bytes.Add(uint64(len(buf)))
	return nil
}

// tooLarge drops a message whose encoding alone exceeds the frame limit.
func (p *peer) tooLarge(m *raft.Message, limit int) {
	err := fmt.Errorf("%w: %v message to member %x does not fit the %d-byte frame limit", ErrFrameTooLarge, m.Type, p.id, limit)
	p.sent.dropped.Add(1)
	p.t.markUnreachable(p.id)
	p.mu.Lock()
	p.lastErr = err
	p.mu.Unlock()
	p.log.Error("dropping oversized message", "err", err)
}
