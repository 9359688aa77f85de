package main

import (
	"bufio"
	"errors"
	"net"
	"net/http"
	"sync"
	"time"
)

// net/http costs a busy member much of its CPU per request on work a keep-alive key request does
// not need: a response struct and its buffered writer, the header map cloned and sorted at every
// response, a context and a background read per request. kvd's client listener therefore has a
// front: it parses the requests of the common shapes itself (key reads and writes over plain
// keep-alive HTTP/1.1, see fastRequest) and answers them through the same handler with one write
// per response. A connection that sends anything else (a watch, HEAD, HTTP/1.0, a chunked or
// expected body, headers that do not fit the read buffer, TLS) is handed, with the bytes already
// read, to net/http for the rest of its life; so every request that is not of those shapes gets
// exactly net/http's behaviour. front_test.go sends the same raw requests to both and compares.

// frontBufferSize is the read buffer of a fast connection: a request's line and headers must fit.
const frontBufferSize = 4096

// clientFront is a net.Listener for net/http (it yields the handed-over connections) that accepts
// the real listener's connections itself.
type clientFront struct {
	ln      net.Listener
	handler http.Handler
	limits  serverLimits

	handoff chan net.Conn
	done    chan struct{} // closed by Close, or when the real listener fails
	once    sync.Once
	err     error // why done was closed; set before

	mu    sync.Mutex
	conns map[net.Conn]bool // fast connections, true while a request is being served
}

// serveFront serves ln through a front, handing the connections it does not serve to srv, and
// returns when srv stops (http.ErrServerClosed after Shutdown) or the listener fails.
func serveFront(srv *http.Server, ln net.Listener, limits serverLimits) error {
	f := &clientFront{ln: ln, handler: srv.Handler, limits: limits, handoff: make(chan net.Conn),
		done: make(chan struct{}), conns: map[net.Conn]bool{}}
	go f.acceptLoop()
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
		if !f.track(c) {
			_ = c.Close()
			return
		}
		go f.serveConn(c)
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
// response is written (as net/http's Shutdown lets active requests finish). net/http closes what it
// was handed.
func (f *clientFront) Close() error {
	err := f.ln.Close()
	f.stop(net.ErrClosed)
	f.mu.Lock()
	defer f.mu.Unlock()
	for c, active := range f.conns {
		if !active {
			_ = c.Close()
		}
	}
	f.conns = nil
	return err
}

// Addr is the listener's address.
func (f *clientFront) Addr() net.Addr { return f.ln.Addr() }

func (f *clientFront) stop(err error) {
	f.once.Do(func() {
		f.err = err
		close(f.done)
	})
}

// track records a fast connection; false once the front is closed.
func (f *clientFront) track(c net.Conn) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.conns == nil {
		return false
	}
	f.conns[c] = false
	return true
}

// setActive marks a fast connection as serving a request or idle; false once the front is closed
// (the connection is then to be closed by its goroutine when idle).
func (f *clientFront) setActive(c net.Conn, active bool) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.conns == nil {
		return false
	}
	f.conns[c] = active
	return true
}

func (f *clientFront) untrack(c net.Conn) {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.conns, c)
}

// handOver gives c, with the bytes br has read of it, to net/http.
func (f *clientFront) handOver(c net.Conn, br *bufio.Reader) {
	f.untrack(c)
	_ = c.SetReadDeadline(time.Time{})
	read, _ := br.Peek(br.Buffered())
	hc := &handedConn{Conn: c, pending: append([]byte(nil), read...)}
	select {
	case f.handoff <- hc:
	case <-f.done:
		_ = c.Close()
	}
}

// handedConn is a connection handed to net/http: its reads return the bytes the front had read
// first.
type handedConn struct {
	net.Conn
	pending []byte
}

func (c *handedConn) Read(p []byte) (int, error) {
	if len(c.pending) > 0 {
		n := copy(p, c.pending)
		c.pending = c.pending[n:]
		return n, nil
	}
	return c.Conn.Read(p)
}
