package main

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"time"
)

// serveConn serves the requests of one connection until it closes, fails, or sends a request
// the front leaves to net/http (handOver).
func (f *clientFront) serveConn(c net.Conn) {
	br := bufio.NewReaderSize(c, frontBufferSize)
	hdr, respHdr := http.Header{}, http.Header{}
	var out []byte
	remote := c.RemoteAddr().String()
	defer func() {
		if recover() != nil { // as net/http: the handler's panic ends its connection only
			f.untrack(c)
			_ = c.Close()
		}
	}()
	for {
		_ = c.SetReadDeadline(time.Now().Add(f.limits.Idle))
		if _, err := br.Peek(1); err != nil {
			f.untrack(c)
			_ = c.Close()
			return
		}
		if !f.setActive(c, true) { // closed while the request arrived
			_ = c.Close()
			return
		}
		_ = c.SetReadDeadline(time.Now().Add(f.limits.ReadHeader))
		block, err := readHeaderBlock(br)
		if err != nil {
			f.untrack(c)
			_ = c.Close()
			return
		}
		req, ok := parseFastRequest(block, hdr)
		var r *http.Request
		if ok {
			r, ok = req.httpRequest(remote)
		}
		if !ok { // nothing consumed yet: net/http reads the request from the start
			f.handOver(c, br)
			return
		}
		if _, err := br.Discard(len(block)); err != nil {
			f.untrack(c)
			_ = c.Close()
			return
		}
		body := make([]byte, req.contentLength)
		if _, err := io.ReadFull(br, body); err != nil {
			f.untrack(c)
			_ = c.Close()
			return
		}
		if len(body) > 0 {
			r.Body = &bodyReader{data: body}
		}
		clear(respHdr)
		w := &fastResponse{conn: c, header: respHdr, status: http.StatusOK, head: out[:0], close: req.close}
		f.handler.ServeHTTP(w, r)
		out, err = w.finish(time.Now())
		if err != nil || req.close || !f.setActive(c, false) {
			f.untrack(c)
			_ = c.Close()
			return
		}
		if cap(out) > 64<<10 {
			out = nil
		}
	}
}

// readHeaderBlock peeks until br holds a whole request line and header block; it returns nil
// (and no error) when they do not fit in br's buffer.
func readHeaderBlock(br *bufio.Reader) ([]byte, error) {
	for n := br.Buffered(); ; n = br.Buffered() + 1 {
		if n > br.Size() {
			return nil, nil
		}
		buf, err := br.Peek(n)
		if err != nil {
			return nil, err
		}
		if block := headerBlock(buf); block != nil {
			return block, nil
		}
	}
}
