package main

import (
	"bufio"
	"context"
	"errors"
	"net"
	"net/http"
	"runtime"
	"time"
)

// fastConn is one connection the front serves.
type fastConn struct {
	front  *clientFront
	conn   net.Conn
	br     *bufio.Reader // reads through the fastConn (its Read), so a watch's byte is not lost
	remote string
	ctx    context.Context // the connection's: the server and local address, as net/http's
	watch  disconnectWatch

	headerDue  time.Time   // when the headers of the request under way are due
	hdr        http.Header // the request headers, reused by every request of the connection
	hdrVals    headerValues
	respHdr    http.Header // the response headers, likewise
	resp       fastResponse
	lastMethod string
}

func newFastConn(f *clientFront, c net.Conn) *fastConn {
	fc := &fastConn{front: f, conn: c, remote: c.RemoteAddr().String(), hdr: http.Header{},
		respHdr: http.Header{}, headerDue: deadlineAfter(f.limits.ReadHeader)}
	fc.watch.init(c)
	fc.br = bufio.NewReaderSize(fc, frontBufferSize)
	fc.ctx = context.WithValue(f.baseCtx, http.LocalAddrContextKey, c.LocalAddr())
	if f.srv.ConnContext != nil {
		fc.ctx = f.srv.ConnContext(fc.ctx, c)
	}
	fc.resp = fastResponse{conn: c, front: f}
	return fc
}

// Read reads the connection for the read buffer: first the byte a disconnect watch read, if any.
func (fc *fastConn) Read(p []byte) (int, error) {
	if n := fc.watch.takeByte(p); n > 0 {
		return n, nil
	}
	return fc.conn.Read(p)
}

// serve serves the requests of the connection until it closes, fails, or sends a request the
// front leaves to net/http (handOver). A handler's panic is recovered as net/http recovers it.
func (fc *fastConn) serve() {
	f := fc.front
	defer func() {
		if err := recover(); err != nil {
			if err != http.ErrAbortHandler {
				stack := make([]byte, 64<<10)
				stack = stack[:runtime.Stack(stack, false)]
				f.logf("http: panic serving %v: %v\n%s", fc.remote, err, stack)
			}
			fc.watch.handlerDone()
			fc.resp.flushOut() // what the handler already sent through, as net/http's final flush
			fc.close()
		}
	}()
	for served := 0; ; served++ {
		if !fc.awaitRequest(served) {
			fc.close()
			return
		}
		if !fc.watch.begin(f) { // the front closed while the connection was idle
			fc.close()
			return
		}
		switch fc.serveOne() {
		case outcomeNext:
			if fc.watch.end(f) {
				continue
			}
			fc.close()
		case outcomeClose:
			fc.close()
		case outcomeHandOver:
			fc.handOver(false)
		case outcomeHandOverInHeader:
			fc.handOver(true)
		}
		return
	}
}

// awaitRequest waits for the first bytes of a request; false when they do not come. The first
// request of a connection is due, whole, ReadHeader after it opened (its deadline is set). Between
// requests, as net/http, it waits for the first 4 bytes of the next one within the idle timeout;
// its headers are then due within ReadHeader. After a POST, up to 4 leading CR or LF bytes are
// dropped (net/http's allowance for clients that end a body with CRLF).
func (fc *fastConn) awaitRequest(served int) bool {
	if served == 0 {
		_, err := fc.br.Peek(1)
		return err == nil
	}
	_ = fc.conn.SetReadDeadline(deadlineAfter(fc.front.limits.Idle))
	peek, err := fc.br.Peek(4)
	if err != nil {
		return false
	}
	fc.headerDue = deadlineAfter(fc.front.limits.ReadHeader)
	_ = fc.conn.SetReadDeadline(fc.headerDue)
	if fc.lastMethod == http.MethodPost {
		n := 0
		for n < len(peek) && (peek[n] == '\r' || peek[n] == '\n') {
			n++
		}
		_, _ = fc.br.Discard(n)
	}
	return true
}

// outcome is what becomes of a connection after serveOne.
type outcome int

const (
	outcomeNext             outcome = iota // serve its next request
	outcomeClose                           // close it
	outcomeHandOver                        // give it to net/http, which reads the request again
	outcomeHandOverInHeader                // the same, within the headers' deadline
)

// serveOne reads one request and, when it is one the front serves, serves it.
func (fc *fastConn) serveOne() outcome {
	block, err := readHeaderBlock(fc.br)
	switch {
	case err != nil && isTimeout(err): // as net/http: no answer to headers that do not come in time
		return outcomeClose
	case err != nil || block == nil:
		return outcomeHandOverInHeader
	}
	req, ok := parseFastRequest(block, fc.hdr, &fc.hdrVals)
	if !ok || req.contentLength > int64(fc.br.Size()-len(block)) {
		return outcomeHandOverInHeader
	}
	total := len(block) + int(req.contentLength)
	whole, err := fc.br.Peek(total)
	if err != nil { // a body that stalls or ends early: net/http reads it, without a deadline
		return outcomeHandOver
	}
	if fc.front.isClosed() { // as net/http: a request read while shutting down is not served
		return outcomeClose
	}
	body := &fastBody{data: whole[len(block):]} // one per request: a stale one stays closed
	ctx, cancel := context.WithCancel(fc.ctx)
	defer cancel()
	r, ok := req.httpRequest(ctx, fc.remote, body)
	if !ok {
		return outcomeHandOverInHeader
	}
	clear(fc.respHdr)
	fc.resp.reset(fc.respHdr, req.close)
	fc.watch.handlerStarts(cancel)
	fc.front.handler.ServeHTTP(&fc.resp, r)
	fc.watch.handlerDone()
	reuse := fc.resp.finish()
	body.closed = true // as net/http's: unreadable once the handler returned
	fc.lastMethod = req.method
	if _, err := fc.br.Discard(total); err != nil || !reuse {
		return outcomeClose
	}
	return outcomeNext
}

// readHeaderBlock reads until br holds a whole request line and header block, and returns it. It
// returns nil (and no error) when they do not fit in br's buffer, or hold a CR or LF that is not
// part of a CRLF (net/http reads bare LFs as line ends: it then serves the request).
func readHeaderBlock(br *bufio.Reader) ([]byte, error) {
	scanned := 0
read:
	for n := max(br.Buffered(), 1); ; n = br.Buffered() + 1 {
		if n > br.Size() {
			return nil, nil
		}
		buf, err := br.Peek(n)
		if err != nil {
			return nil, err
		}
		buf = buf[:br.Buffered()]
		for ; scanned < len(buf); scanned++ {
			switch buf[scanned] {
			case '\r':
				if scanned+1 == len(buf) {
					continue read // the LF may be on its way
				}
				if buf[scanned+1] != '\n' {
					return nil, nil
				}
			case '\n':
				if scanned == 0 || buf[scanned-1] != '\r' {
					return nil, nil
				}
				if scanned >= 3 && buf[scanned-2] == '\n' {
					return buf[:scanned+1], nil
				}
			}
		}
	}
}

// handOver gives the connection, with the bytes the front has read of it, to net/http. inHeader:
// the headers of the request under way are due by the deadline the front set (net/http would
// otherwise give them a new ReadHeader).
func (fc *fastConn) handOver(inHeader bool) {
	f := fc.front
	f.untrack(fc)
	read, _ := fc.br.Peek(fc.br.Buffered())
	hc := &handedConn{Conn: fc.conn, pending: append([]byte(nil), read...)}
	var watched [1]byte
	if n := fc.watch.takeByte(watched[:]); n > 0 { // read after what the buffer holds
		hc.pending = append(hc.pending, watched[:n]...)
	}
	if inHeader {
		hc.headerDue = fc.headerDue
	}
	_ = fc.conn.SetReadDeadline(time.Time{})
	select {
	case f.handoff <- hc:
	case <-f.done:
		_ = fc.conn.Close()
	}
}

func (fc *fastConn) close() {
	fc.front.untrack(fc)
	_ = fc.conn.Close()
}

// closeIfIdle closes the connection unless it is serving a request (the front is closing).
func (fc *fastConn) closeIfIdle() {
	if !fc.watch.busy() {
		_ = fc.conn.Close()
	}
}

// watchIfSlow starts a disconnect watch when the same request has been in the handler since the
// previous call.
func (fc *fastConn) watchIfSlow() { fc.watch.startIfSlow() }

// deadlineAfter is the deadline d from now; none for d <= 0.
func deadlineAfter(d time.Duration) time.Time {
	if d <= 0 {
		return time.Time{}
	}
	return time.Now().Add(d)
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}
