package transport

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"time"
)

const (
	inboundBufferBytes = 64 << 10
	acceptRetryMin     = 5 * time.Millisecond
	acceptRetryMax     = time.Second
)

// acceptLoop accepts inbound streams until the listener closes.
func (t *Transport) acceptLoop() {
	defer t.wg.Done()
	retry := acceptRetryMin
	for {
		conn, err := t.cfg.Listener.Accept()
		if err != nil {
			if t.ctx.Err() != nil || errors.Is(err, net.ErrClosed) {
				return
			}
			t.log.Warn("accept failed, retrying", "err", err, "retry_in", retry)
			timer := time.NewTimer(retry)
			select {
			case <-t.ctx.Done():
				timer.Stop()
				return
			case <-timer.C:
			}
			retry = min(2*retry, acceptRetryMax)
			continue
		}
		retry = acceptRetryMin
		if !t.trackInbound(conn) {
			_ = conn.Close()
			return
		}
		go t.serveInbound(conn)
	}
}

// trackInbound registers conn so that Close can close it, and counts its goroutine. It refuses
// once the transport is closing.
func (t *Transport) trackInbound(conn net.Conn) bool {
	t.inMu.Lock()
	defer t.inMu.Unlock()
	if t.inClosed {
		return false
	}
	t.inbound[conn] = struct{}{}
	t.wg.Add(1)
	return true
}

func (t *Transport) untrackInbound(conn net.Conn, from uint64) {
	t.inMu.Lock()
	defer t.inMu.Unlock()
	delete(t.inbound, conn)
	if t.inboundFrom[from] == conn {
		delete(t.inboundFrom, from)
	}
}

// adoptInbound makes conn the stream of member from, closing the one it replaces (a peer that
// reconnects has given up on its old stream), and returns the member's receive counters. It
// refuses (nil) a sender that is not a current peer; checked under inMu, so that a RemovePeer
// racing with it either finds the stream adopted, and closes it, or is seen here.
func (t *Transport) adoptInbound(conn net.Conn, from uint64) *recvCounters {
	t.inMu.Lock()
	defer t.inMu.Unlock()
	if !t.isPeer(from) {
		return nil
	}
	if old := t.inboundFrom[from]; old != nil && old != conn {
		_ = old.Close()
	}
	t.inboundFrom[from] = conn
	c := t.recv[from]
	if c == nil {
		c = &recvCounters{}
		t.recv[from] = c
	}
	return c
}

// serveInbound runs the handshake on an accepted stream and then hands its messages to Handler.
func (t *Transport) serveInbound(conn net.Conn) {
	defer t.wg.Done()
	defer conn.Close()
	log := t.log.With("remote_addr", conn.RemoteAddr().String())
	_ = conn.SetDeadline(time.Now().Add(t.cfg.DialTimeout))
	h, err := readHello(conn)
	if err != nil {
		t.untrackInbound(conn, 0)
		if refused, ok := errors.AsType[*RefusedError](err); ok {
			log.Error("refusing inbound stream", "reason", refused.Reason)
			_ = writeAnswer(conn, t.cfg.MaxFrameBytes, refused.Reason)
			return
		}
		log.Warn("inbound stream failed before its hello", "err", err)
		return
	}
	log = log.With("peer", fmt.Sprintf("%x", h.From))
	snapshot := h.Version&snapshotStreamFlag != 0
	h.Version &^= snapshotStreamFlag
	if reason := checkHello(h, t.cfg.ClusterID, t.cfg.LocalID); reason != "" {
		t.untrackInbound(conn, 0)
		log.Error("refusing inbound stream", "reason", reason)
		_ = writeAnswer(conn, t.cfg.MaxFrameBytes, reason)
		return
	}
	if snapshot {
		defer t.untrackInbound(conn, 0)
		t.serveSnapshot(conn, h.From, log)
		return
	}
	counters := t.adoptInbound(conn, h.From)
	if counters == nil {
		t.untrackInbound(conn, 0)
		reason := notMemberReason(h.From, t.cfg.ClusterID, t.cfg.LocalID)
		log.Error("refusing inbound stream", "reason", reason)
		_ = writeAnswer(conn, t.cfg.MaxFrameBytes, reason)
		return
	}
	defer t.untrackInbound(conn, h.From)
	if err := writeAnswer(conn, t.cfg.MaxFrameBytes, ""); err != nil {
		log.Warn("inbound stream failed during the handshake", "err", err)
		return
	}
	_ = conn.SetDeadline(time.Time{})
	log.Info("inbound stream accepted")
	if err := t.readStream(conn, h.From, counters); err != nil && t.ctx.Err() == nil {
		log.Warn("closing inbound stream", "err", err)
	}
}

// readStream reads frames until the stream ends. It returns nil on a clean end of stream.
func (t *Transport) readStream(conn net.Conn, from uint64, counters *recvCounters) error {
	counted := &countingReader{r: conn, n: &counters.bytes}
	br := bufio.NewReaderSize(counted, inboundBufferBytes)
	for {
		msgs, err := DecodeFrame(br, t.cfg.MaxFrameBytes)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read frame from member %x: %w", from, err)
		}
		if !t.isPeer(from) {
			return fmt.Errorf("%w: dropping a frame of %d messages", errNotMember(from), len(msgs))
		}
		for i := range msgs {
			if msgs[i].From != from || msgs[i].To != t.cfg.LocalID {
				return fmt.Errorf("%w: message from %x to %x on the stream from member %x to member %x",
					ErrMalformedFrame, msgs[i].From, msgs[i].To, from, t.cfg.LocalID)
			}
		}
		counters.frames.Add(1)
		counters.messages.Add(uint64(len(msgs)))
		for i := range msgs {
			t.cfg.Handler(msgs[i])
		}
	}
}

// countingReader adds the bytes it reads to n.
type countingReader struct {
	r io.Reader
	n interface{ Add(uint64) uint64 }
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(uint64(n))
	return n, err
}
