package main

import (
	"errors"
	"io"
	"net"
	"time"
)

// pipeListener is a net.Listener of in-memory connections (two net.Pipes each, so that the client
// can half-close): a client's writes reach the server in exactly the pieces they were written in,
// which makes every split of a request into reads reproducible.
type pipeListener struct {
	conns  chan net.Conn
	closed chan struct{}
}

func newPipeListener() *pipeListener {
	return &pipeListener{conns: make(chan net.Conn), closed: make(chan struct{})}
}

func (l *pipeListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.closed:
		return nil, net.ErrClosed
	}
}

func (l *pipeListener) Close() error {
	select {
	case <-l.closed:
	default:
		close(l.closed)
	}
	return nil
}

func (l *pipeListener) Addr() net.Addr { return pipeAddr("server") }

// dial connects a client: its writes are the server's reads, and the reverse.
func (l *pipeListener) dial() (*pipeClient, error) {
	clientW, serverR := net.Pipe()
	serverW, clientR := net.Pipe()
	select {
	case l.conns <- &pipeConn{r: serverR, w: serverW}:
		return &pipeClient{w: clientW, r: clientR}, nil
	case <-l.closed:
		return nil, net.ErrClosed
	case <-time.After(10 * time.Second):
		return nil, errors.New("pipe listener: nobody accepts")
	}
}

type pipeAddr string

func (a pipeAddr) Network() string { return "pipe" }
func (a pipeAddr) String() string  { return string(a) }

// pipeConn is the server's side of a piped connection.
type pipeConn struct{ r, w net.Conn }

func (c *pipeConn) Read(p []byte) (int, error)  { return c.r.Read(p) }
func (c *pipeConn) Write(p []byte) (int, error) { return c.w.Write(p) }
func (c *pipeConn) Close() error                { return errors.Join(c.r.Close(), c.w.Close()) }
func (c *pipeConn) CloseWrite() error           { return c.w.Close() }
func (c *pipeConn) LocalAddr() net.Addr         { return pipeAddr("server") }
func (c *pipeConn) RemoteAddr() net.Addr        { return pipeAddr("client") }

func (c *pipeConn) SetDeadline(t time.Time) error {
	return errors.Join(c.r.SetReadDeadline(t), c.w.SetWriteDeadline(t))
}
func (c *pipeConn) SetReadDeadline(t time.Time) error  { return c.r.SetReadDeadline(t) }
func (c *pipeConn) SetWriteDeadline(t time.Time) error { return c.w.SetWriteDeadline(t) }

// pipeClient is the client's side of a piped connection.
type pipeClient struct{ w, r net.Conn }

// exchange writes raw in pieces (each byte of cuts is one piece's length less one; what is left
// after them goes as one piece), half-closes, and returns everything the server sends until it
// closes. An error means the server neither answered nor closed within timeout.
func (c *pipeClient) exchange(raw, cuts []byte, timeout time.Duration) ([]byte, error) {
	defer c.w.Close()
	defer c.r.Close()
	go func() {
		defer c.w.Close()
		for i := 0; len(raw) > 0; i++ {
			n := len(raw)
			if i < len(cuts) {
				n = min(n, int(cuts[i])+1)
			}
			if _, err := c.w.Write(raw[:n]); err != nil {
				return // the server closed: the rest is not read
			}
			raw = raw[n:]
		}
	}()
	if err := c.r.SetReadDeadline(time.Now().Add(timeout)); err != nil {
		return nil, err
	}
	return io.ReadAll(c.r)
}
