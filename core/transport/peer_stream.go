package transport

import (
	"context"
	"errors"
	"fmt"
	"net"
	"time"
)

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

// dial opens one message stream and runs the handshake, both bounded by DialTimeout and canceled by
// stop.
func (p *peer) dial(addr string) (net.Conn, int, time.Duration, error) {
	return p.dialVersion(addr, ProtocolVersion)
}

// dialVersion is dial with the hello's version field (a snapshot stream sets snapshotStreamFlag).
func (p *peer) dialVersion(addr string, version uint32) (net.Conn, int, time.Duration, error) {
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
	remoteMax, err := p.handshake(conn, version)
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

func (p *peer) handshake(conn net.Conn, version uint32) (int, error) {
	cfg := &p.t.cfg
	if err := writeHello(conn, hello{Version: version, ClusterID: cfg.ClusterID, From: cfg.LocalID, To: p.id}); err != nil {
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
