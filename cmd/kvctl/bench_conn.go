package main

import (
	"bufio"
	"bytes"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"slices"
	"strconv"
	"syscall"
	"time"
)

// benchTarget is one endpoint as the load generator dials it.
type benchTarget struct {
	addr string      // host:port to dial
	host string      // Host header
	tls  *tls.Config // nil for plain HTTP
	auth string      // Authorization header value, or ""
}

// benchRequest is one HTTP request: a method, an escaped path with its query, and a form
// body (nil for none).
type benchRequest struct {
	method string
	target []byte
	body   []byte
}

// benchResponse is what the load generator keeps of a response. body is only filled when
// asked for and is reused by the next request on the same connection.
type benchResponse struct {
	status int
	body   []byte
}

// benchConn is one keep-alive HTTP/1.1 connection driven by hand: it writes a request and
// reads the status line, the headers it needs and the body with no goroutine or allocation per
// request, so that the generator's CPU stays small next to the servers' on a shared machine.
type benchConn struct {
	target  benchTarget
	timeout time.Duration
	conn    net.Conn
	r       *bufio.Reader
	w       *bufio.Writer
	body    []byte
	// reused tells whether the open connection already carried a request (a stale keep-alive
	// connection the server closed may then be retried once).
	reused bool
}

// errHeaderTooLong reports a response line longer than the read buffer.
var errHeaderTooLong = errors.New("response header line too long")

// newBenchConn returns an unconnected connection to target; it dials on first use.
func newBenchConn(target benchTarget, timeout time.Duration) *benchConn {
	return &benchConn{target: target, timeout: timeout}
}

// close drops the network connection; the next request dials again.
func (c *benchConn) close() {
	if c.conn != nil {
		_ = c.conn.Close()
		c.conn = nil
	}
}

// dial opens the network connection.
func (c *benchConn) dial() error {
	d := net.Dialer{Timeout: c.timeout, KeepAlive: 30 * time.Second}
	var conn net.Conn
	var err error
	if c.target.tls != nil {
		conn, err = tls.DialWithDialer(&d, "tcp", c.target.addr, c.target.tls)
	} else {
		conn, err = d.Dial("tcp", c.target.addr)
	}
	if err != nil {
		return fmt.Errorf("dial %s: %w", c.target.addr, err)
	}
	c.conn = conn
	if c.r == nil {
		c.r = bufio.NewReaderSize(conn, 16<<10)
		c.w = bufio.NewWriterSize(conn, 4<<10)
	} else {
		c.r.Reset(conn)
		c.w.Reset(conn)
	}
	c.reused = false
	return nil
}

// do sends req and reads the response. With keepBody the body is returned (valid until the
// next call); otherwise it is skipped. A request that fails on a reused connection before any
// response byte arrived is sent once more on a fresh one (the server may have closed an idle
// connection); any other failure closes the connection and is returned.
func (c *benchConn) do(req *benchRequest, keepBody bool) (benchResponse, error) {
	resp, sent, err := c.roundTrip(req, keepBody)
	if err != nil && !sent && c.reused && isStaleConnError(err) {
		c.close()
		resp, _, err = c.roundTrip(req, keepBody)
	}
	if err != nil {
		c.close()
		return benchResponse{}, err
	}
	c.reused = true
	return resp, nil
}

// roundTrip is one attempt. sent tells whether any byte of a response was read.
func (c *benchConn) roundTrip(req *benchRequest, keepBody bool) (resp benchResponse, sent bool, err error) {
	if c.conn == nil {
		if err := c.dial(); err != nil {
			return resp, false, err
		}
	}
	if err := c.conn.SetDeadline(time.Now().Add(c.timeout)); err != nil {
		return resp, false, fmt.Errorf("set deadline: %w", err)
	}
	if err := c.writeRequest(req); err != nil {
		return resp, false, fmt.Errorf("write request: %w", err)
	}
	status, err := c.readStatus()
	if err != nil {
		return resp, false, err
	}
	resp.status = status
	length, chunked, closeAfter, err := c.readHeaders()
	if err != nil {
		return resp, true, err
	}
	c.body = c.body[:0]
	switch {
	case chunked:
		err = c.readChunked(keepBody)
	case length >= 0:
		err = c.readN(length, keepBody)
	case status == 204 || status == 304 || req.method == "HEAD":
	default:
		err = c.readToEOF(keepBody)
		closeAfter = true
	}
	if err != nil {
		return resp, true, fmt.Errorf("read body: %w", err)
	}
	if keepBody {
		resp.body = c.body
	}
	if closeAfter {
		c.close()
	}
	return resp, true, nil
}

// writeRequest writes the request line, headers and body, and flushes.
func (c *benchConn) writeRequest(req *benchRequest) error {
	w := c.w
	w.WriteString(req.method)
	w.WriteByte(' ')
	w.Write(req.target)
	w.WriteString(" HTTP/1.1\r\nHost: ")
	w.WriteString(c.target.host)
	w.WriteString("\r\n")
	if c.target.auth != "" {
		w.WriteString("Authorization: ")
		w.WriteString(c.target.auth)
		w.WriteString("\r\n")
	}
	if req.body != nil {
		w.WriteString("Content-Type: application/x-www-form-urlencoded\r\nContent-Length: ")
		var num [20]byte
		w.Write(strconv.AppendInt(num[:0], int64(len(req.body)), 10))
		w.WriteString("\r\n")
	}
	w.WriteString("\r\n")
	w.Write(req.body)
	return w.Flush()
}

// readLine returns one line without its CRLF; the slice is valid until the next read.
func (c *benchConn) readLine() ([]byte, error) {
	line, err := c.r.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		return nil, errHeaderTooLong
	}
	if err != nil {
		return nil, err
	}
	return bytes.TrimRight(line, "\r\n"), nil
}

// readStatus reads "HTTP/1.1 200 OK" and returns 200.
func (c *benchConn) readStatus() (int, error) {
	line, err := c.readLine()
	if err != nil {
		return 0, fmt.Errorf("read status: %w", err)
	}
	if len(line) < 12 || !bytes.HasPrefix(line, []byte("HTTP/1.")) || line[8] != ' ' {
		return 0, fmt.Errorf("malformed status line %q", line)
	}
	code, err := strconv.Atoi(string(line[9:12]))
	if err != nil {
		return 0, fmt.Errorf("malformed status line %q: %w", line, err)
	}
	return code, nil
}

// readHeaders reads header lines up to the blank one and returns what framing needs:
// Content-Length (-1 when absent), chunked transfer coding, and Connection: close.
func (c *benchConn) readHeaders() (length int, chunked, closeAfter bool, err error) {
	length = -1
	for {
		line, err := c.readLine()
		if err != nil {
			return 0, false, false, fmt.Errorf("read headers: %w", err)
		}
		if len(line) == 0 {
			return length, chunked, closeAfter, nil
		}
		name, value, ok := bytes.Cut(line, []byte(":"))
		if !ok {
			return 0, false, false, fmt.Errorf("malformed header line %q", line)
		}
		value = bytes.TrimSpace(value)
		switch {
		case bytes.EqualFold(name, []byte("Content-Length")):
			n, err := strconv.Atoi(string(value))
			if err != nil || n < 0 {
				return 0, false, false, fmt.Errorf("bad Content-Length %q", value)
			}
			length = n
		case bytes.EqualFold(name, []byte("Transfer-Encoding")):
			chunked = bytes.Contains(bytes.ToLower(value), []byte("chunked"))
		case bytes.EqualFold(name, []byte("Connection")):
			closeAfter = bytes.EqualFold(value, []byte("close"))
		}
	}
}

// readN reads or skips exactly n body bytes.
func (c *benchConn) readN(n int, keep bool) error {
	if !keep {
		_, err := c.r.Discard(n)
		return err
	}
	start := len(c.body)
	c.body = slices.Grow(c.body, n)[:start+n]
	_, err := io.ReadFull(c.r, c.body[start:])
	return err
}

// readChunked reads a chunked body and its trailers.
func (c *benchConn) readChunked(keep bool) error {
	for {
		line, err := c.readLine()
		if err != nil {
			return err
		}
		if i := bytes.IndexByte(line, ';'); i >= 0 {
			line = line[:i]
		}
		size, err := strconv.ParseUint(string(bytes.TrimSpace(line)), 16, 31)
		if err != nil {
			return fmt.Errorf("bad chunk size %q: %w", line, err)
		}
		if size == 0 {
			for {
				trailer, err := c.readLine()
				if err != nil {
					return err
				}
				if len(trailer) == 0 {
					return nil
				}
			}
		}
		if err := c.readN(int(size), keep); err != nil {
			return err
		}
		if crlf, err := c.readLine(); err != nil || len(crlf) != 0 {
			return fmt.Errorf("chunk not followed by CRLF: %w", errOr(err, errors.New("extra bytes")))
		}
	}
}

// readToEOF reads a body delimited by the connection's end.
func (c *benchConn) readToEOF(keep bool) error {
	if !keep {
		_, err := io.Copy(io.Discard, c.r)
		return err
	}
	b, err := io.ReadAll(c.r)
	c.body = append(c.body, b...)
	return err
}

// isStaleConnError tells whether err is what a keep-alive connection the server already
// closed gives (not a timeout: a slow server must not see the request twice).
func isStaleConnError(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE)
}

// errOr returns err, or fallback when err is nil.
func errOr(err, fallback error) error {
	if err != nil {
		return err
	}
	return fallback
}
