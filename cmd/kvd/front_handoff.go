package main

import (
	"errors"
	"net"
	"sync"
	"time"
)

// handedConn is a connection the front handed to net/http: its reads return the bytes the front
// had read first.
type handedConn struct {
	net.Conn
	pending []byte
	// headerDue, when set, is when the headers of the request the front was reading are due:
	// net/http's first read deadline (its ReadHeaderTimeout from now) is moved no later, so that
	// the time spent in the front counts.
	headerDue time.Time
	once      sync.Once
}

func (c *handedConn) Read(p []byte) (int, error) {
	if len(c.pending) > 0 {
		n := copy(p, c.pending)
		c.pending = c.pending[n:]
		if len(c.pending) == 0 {
			c.pending = nil // free the copy
		}
		return n, nil
	}
	return c.Conn.Read(p)
}

func (c *handedConn) SetReadDeadline(t time.Time) error {
	c.once.Do(func() {
		if !c.headerDue.IsZero() && (t.IsZero() || t.After(c.headerDue)) {
			t = c.headerDue
		}
	})
	return c.Conn.SetReadDeadline(t)
}

// errNoCloseWrite: the connection cannot be half-closed.
var errNoCloseWrite = errors.New("kvd front: connection has no CloseWrite")

// CloseWrite half-closes the connection, as net/http does to a TCP connection after an error
// response (then the client reads the response before the reset of the close).
func (c *handedConn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return errNoCloseWrite
}
