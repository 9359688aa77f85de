package main

import (
	"context"
	"errors"
	"log"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// net/http costs a busy member much of its CPU per request on work a keep-alive key request does
// not need: a response struct and its buffered writers, the header map cloned at every response,
// a background read per request. kvd's client listener therefore has a front: it parses the
// requests of the common shapes itself (key reads and writes over plain keep-alive HTTP/1.1 whose
// headers and body fit its read buffer, see parseFastRequest) and answers them through the same
// handler, writing the bytes net/http would write (front_response.go). A connection that sends
// anything else (a watch, HEAD, HTTP/1.0, a chunked or expected body, a body or headers that do
// not fit the buffer, bare LFs, TLS...) or stalls inside a body is handed, with the bytes already
// read, to net/http for the rest of its life. FuzzFrontAgainstNetHTTP sends the same bytes to both
// and compares what comes back.
//
// The limits are net/http's under kvd's configuration (serverLimits): the first request's headers
// must arrive within ReadHeader of the connection, a later one's within ReadHeader of its first
// bytes, which must come within Idle; a connection holds at most its read buffer. As net/http, the
// front cancels a request's context when the handler returns or the client goes away (detected by
// a read started once the handler has run for disconnectCheck, where net/http starts one at once),
// and recovers a handler's panic: it is logged and the connection closed.
//
// What stays different: a handler's Content-Length, Transfer-Encoding and Trailer headers and
// Hijack are not honoured (fastResponse), and neither ConnState nor SetKeepAlivesEnabled sees the
// front's connections. clientServer's Shutdown and Close treat them as net/http's treat its own.

// frontBufferSize is the read buffer of a fast connection: a request's line, headers and body must
// fit for the front to serve it.
const frontBufferSize = 4096

// disconnectCheck is how often the front looks for requests that have been in their handler for
// a while, and starts watching their connections for the client going away.
const disconnectCheck = 100 * time.Millisecond

// clientFront is a net.Listener for net/http (it yields the handed-over connections) that accepts
// the real listener's connections itself.
type clientFront struct {
	ln      net.Listener
	srv     *clientServer
	handler http.Handler
	limits  serverLimits
	baseCtx context.Context

	handoff chan net.Conn
	done    chan struct{} // closed by Close, or when the real listener fails
	once    sync.Once
	err     error // why done was closed; set before
	closed  atomic.Bool

	mu    sync.Mutex
	conns map[*fastConn]struct{} // until each closes or is handed over
}

// serveFront serves ln through a front, handing the connections it does not serve to srv, and
// returns when srv stops (http.ErrServerClosed after Shutdown) or the listener fails.
func serveFront(srv *clientServer, ln net.Listener, limits serverLimits) error {
	f := &clientFront{ln: ln, srv: srv, handler: srv.Handler, limits: limits,
		handoff: make(chan net.Conn), done: make(chan struct{}), conns: map[*fastConn]struct{}{}}
	if f.handler == nil {
		f.handler = http.DefaultServeMux
	}
	base := context.Background()
	if srv.BaseContext != nil {
		base = srv.BaseContext(f)
	}
	f.baseCtx = context.WithValue(base, http.ServerContextKey, srv.Server)
	srv.addFront(f)
	go f.acceptLoop()
	go f.watchLoop()
	return srv.Serve(f)
}

// acceptLoop accepts connections until the listener fails or is closed.
func (f *clientFront) acceptLoop() {
	var backoff time.Duration
	for {
		c, err := f.ln.Accept()
		if err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() { // like net/http: wait and go on
				backoff = min(max(2*backoff, 5*time.Millisecond), time.Second)
				time.Sleep(backoff)
				continue
			}
			f.stop(err)
			return
		}
		backoff = 0
		// As net/http: the first request's headers are due ReadHeader after the connection.
		fc := newFastConn(f, c)
		_ = c.SetReadDeadline(fc.headerDue)
		if !f.track(fc) {
			_ = c.Close()
			return
		}
		go fc.serve()
	}
}

// watchLoop starts watching for a vanished client on every connection whose request has been in
// its handler since the previous look, until the front closes.
func (f *clientFront) watchLoop() {
	t := time.NewTicker(disconnectCheck)
	defer t.Stop()
	for {
		select {
		case <-f.done:
			return
		case <-t.C:
		}
		f.mu.Lock()
		for fc := range f.conns {
			fc.watchIfSlow()
		}
		f.mu.Unlock()
	}
}

// Accept returns the next connection handed to net/http.
func (f *clientFront) Accept() (net.Conn, error) {
	select {
	case c := <-f.handoff:
		return c, nil
	case <-f.done:
		return nil, f.err
	}
}

// Close closes the listener and every idle fast connection; one serving a request closes once its
// response is written (its response says Connection: close, as net/http's do while it shuts down;
// clientServer.Shutdown waits for it). net/http closes what it was handed.
func (f *clientFront) Close() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	// Closed before the listener, as net/http marks its shutdown before closing its listeners: a
	// response written once the listener is gone says Connection: close.
	f.closed.Store(true)
	err := f.ln.Close()
	f.stop(net.ErrClosed)
	for fc := range f.conns {
		fc.closeIfIdle()
	}
	return err
}

// Addr is the listener's address.
func (f *clientFront) Addr() net.Addr { return f.ln.Addr() }

func (f *clientFront) isClosed() bool { return f.closed.Load() }

func (f *clientFront) stop(err error) {
	f.once.Do(func() {
		f.err = err
		close(f.done)
	})
}

// track records a fast connection; false once the front is closed.
func (f *clientFront) track(fc *fastConn) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.isClosed() {
		return false
	}
	f.conns[fc] = struct{}{}
	return true
}

func (f *clientFront) untrack(fc *fastConn) {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.conns, fc)
}

// logf logs as net/http does: to the server's ErrorLog, or the standard logger.
func (f *clientFront) logf(format string, args ...any) {
	if f.srv.ErrorLog != nil {
		f.srv.ErrorLog.Printf(format, args...)
		return
	}
	log.Printf(format, args...)
}
