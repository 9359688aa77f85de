package server

import (
	"bufio"
	"errors"
	"net"
	"sync"
	"time"
)

// streamMagic opens every core/transport stream; any other first bytes on the peer port are HTTP.
const streamMagic = "raftlab1"

// sniffTimeout bounds how long an accepted peer connection may take to send its first bytes.
const sniffTimeout = 5 * time.Second

// peerMux splits one peer listener in two: connections that open with the transport's magic go to
// the raft listener, everything else to the HTTP listener (the /members endpoint a joining member
// reads, like etcd's peer port).
type peerMux struct {
	ln        net.Listener
	raft      *chanListener
	http      *chanListener
	closeOnce sync.Once
	done      chan struct{}
	wg        sync.WaitGroup
}

func newPeerMux(ln net.Listener) *peerMux {
	m := &peerMux{ln: ln, done: make(chan struct{})}
	m.raft = &chanListener{mux: m, conns: make(chan net.Conn)}
	m.http = &chanListener{mux: m, conns: make(chan net.Conn)}
	m.wg.Add(1)
	go m.acceptLoop()
	return m
}

func (m *peerMux) acceptLoop() {
	defer m.wg.Done()
	for {
		c, err := m.ln.Accept()
		if err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				continue
			}
			m.close()
			return
		}
		// A routing goroutine ends within sniffTimeout on its own; Close does not wait for it.
		go m.route(c)
	}
}

// route peeks at the first bytes of c and hands it to the listener it belongs to.
func (m *peerMux) route(c net.Conn) {
	_ = c.SetReadDeadline(time.Now().Add(sniffTimeout))
	br := bufio.NewReaderSize(c, len(streamMagic))
	head, err := br.Peek(len(streamMagic))
	_ = c.SetReadDeadline(time.Time{})
	if err != nil && len(head) == 0 {
		_ = c.Close()
		return
	}
	target := m.http
	if string(head) == streamMagic {
		target = m.raft
	}
	select {
	case target.conns <- &peekedConn{Conn: c, r: br}:
	case <-m.done:
		_ = c.Close()
	}
}

func (m *peerMux) close() {
	m.closeOnce.Do(func() {
		close(m.done)
		_ = m.ln.Close()
	})
}

// Close stops accepting and waits for the accept loop.
func (m *peerMux) Close() error {
	m.close()
	m.wg.Wait()
	return nil
}

// peekedConn replays the bytes read while sniffing.
type peekedConn struct {
	net.Conn
	r *bufio.Reader
}

func (c *peekedConn) Read(p []byte) (int, error) { return c.r.Read(p) }

// chanListener is one side of a peerMux.
type chanListener struct {
	mux   *peerMux
	conns chan net.Conn
}

func (l *chanListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.mux.done:
		return nil, net.ErrClosed
	}
}

// Close closes the whole mux: both sides share the one port.
func (l *chanListener) Close() error {
	l.mux.close()
	return nil
}

func (l *chanListener) Addr() net.Addr { return l.mux.ln.Addr() }
