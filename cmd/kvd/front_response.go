package main

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"net/textproto"
	"slices"
	"strconv"
	"strings"
	"time"
)

// chunkingThreshold is net/http's bufferBeforeChunkingSize: the handler's writes are buffered this
// far; a handler that writes no more gets a Content-Length, a longer body goes out in chunks as it
// is written (a key listing can be far larger than memory should hold at once).
const chunkingThreshold = 2048

// sendBufferSize is how much the front collects before it writes to the connection (net/http's
// connection writer is as large).
const sendBufferSize = 4 << 10

// fastResponse is the http.ResponseWriter of a request the front serves. It writes the bytes
// net/http would write for the same handler calls, in the same order: the status line and the
// handler's headers as of WriteHeader (as http.Header.WriteSubset writes them: sorted, invalid
// names dropped, values cleaned), then Date, Content-Length, a sniffed Content-Type, Connection: close
// and Transfer-Encoding: chunked as net/http decides them; the body through a buffer of
// chunkingThreshold bytes that flushes as bufio.Writer does, so that even chunk boundaries match.
//
// Unlike net/http it does not honour a Content-Length, Transfer-Encoding, Trailer or Connection
// header set by the handler (the front frames the body itself; Connection: close does close the
// connection, written after the other headers), nor Hijack, ReadFrom, full duplex or
// SetReadDeadline; kvd's handler uses none of them.
type fastResponse struct {
	conn  net.Conn
	front *clientFront

	header      http.Header
	wroteHeader bool // WriteHeader was called: status and head are set
	status      int
	head        []byte // status line and the handler's headers, laid out at WriteHeader
	haveDate    bool   // the handler set these headers (net/http then adds none of its own)
	haveType    bool
	haveCE      bool

	committed     bool // head and the front's headers are in out (or sent)
	chunking      bool
	closeAfter    bool // Connection: close
	handlerDone   bool
	writeDeadline bool // the handler set one: cleared after the request, as net/http does

	buf []byte // the handler's writes not yet sent (at most chunkingThreshold)
	out []byte // bytes to send
	err error  // a write to conn failed: the connection is done
}

// appendHeaders appends the lines of h but the excluded keys as http.Header.WriteSubset writes
// them: keys sorted, keys that are not tokens dropped, CR and LF in values turned into spaces and
// values trimmed.
func appendHeaders(b []byte, h http.Header, exclude map[string]bool) []byte {
	var room [16]string
	keys := room[:0]
	for k := range h {
		if !exclude[k] {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		if !validHeaderName(k) {
			continue
		}
		for _, v := range h[k] {
			if strings.ContainsAny(v, "\r\n") {
				v = strings.NewReplacer("\r", " ", "\n", " ").Replace(v)
			}
			b = appendHeaderLine(b, k, textproto.TrimString(v))
		}
	}
	return b
}

// The headers the front writes itself, left out of the handler's (and, at 304, Content-Type, as
// net/http suppresses it). Only read.
var (
	frontOwnedHeaders = map[string]bool{"Content-Length": true, "Transfer-Encoding": true,
		"Connection": true, "Trailer": true}
	frontOwnedHeaders304 = map[string]bool{"Content-Length": true, "Transfer-Encoding": true,
		"Connection": true, "Trailer": true, "Content-Type": true}
	interimExcluded = map[string]bool{"Content-Length": true, "Transfer-Encoding": true}
)

// reset prepares w for the next request of its connection, keeping its buffers.
func (w *fastResponse) reset(header http.Header, closeAfter bool) {
	*w = fastResponse{conn: w.conn, front: w.front, header: header,
		closeAfter: closeAfter, head: w.head[:0], buf: w.buf[:0], out: w.out[:0]}
}

func (w *fastResponse) Header() http.Header { return w.header }

func (w *fastResponse) WriteHeader(code int) {
	if w.wroteHeader {
		return
	}
	if code < 100 || code > 999 {
		panic(fmt.Sprintf("invalid WriteHeader code %v", code)) // as net/http
	}
	if code >= 100 && code <= 199 && code != http.StatusSwitchingProtocols {
		w.interim(code)
		return
	}
	w.wroteHeader, w.status = true, code
	w.head = appendStatusLine(w.head, code)
	exclude := frontOwnedHeaders
	if code == http.StatusNotModified {
		exclude = frontOwnedHeaders304
	}
	w.head = appendHeaders(w.head, w.header, exclude)
	_, w.haveDate = w.header["Date"]
	_, w.haveType = w.header["Content-Type"]
	w.haveCE = w.header.Get("Content-Encoding") != ""
	if c := w.header["Connection"]; len(c) > 0 && c[0] == "close" {
		w.closeAfter = true
	}
}

// interim sends a 1xx response at once, as net/http does.
func (w *fastResponse) interim(code int) {
	w.out = appendHeaders(appendStatusLine(w.out[:0], code), w.header, interimExcluded)
	w.out = append(w.out, "\r\n"...)
	w.flushOut()
}

func appendStatusLine(b []byte, code int) []byte {
	b = append(b, "HTTP/1.1 "...)
	if text := http.StatusText(code); text != "" {
		b = strconv.AppendInt(b, int64(code), 10)
		b = append(b, ' ')
		b = append(b, text...)
		return append(b, "\r\n"...)
	}
	return fmt.Appendf(b, "%03d status code %d\r\n", code, code)
}

func (w *fastResponse) Write(p []byte) (int, error) {
	if err := w.beforeWrite(len(p)); err != nil || len(p) == 0 {
		return 0, err
	}
	// bufio.Writer's Write: a write that does not fit goes out directly when nothing is buffered,
	// or fills the buffer, which is flushed.
	nn := 0
	for len(p) > chunkingThreshold-len(w.buf) && w.err == nil {
		var n int
		if len(w.buf) == 0 {
			n = len(p)
			w.sendChunk(p)
		} else {
			n = chunkingThreshold - len(w.buf)
			w.buf = append(w.buf, p[:n]...)
			w.flushBuffer()
		}
		nn += n
		p = p[n:]
	}
	if w.err != nil {
		return nn, w.err
	}
	w.buf = append(w.buf, p...)
	return nn + len(p), nil
}

func (w *fastResponse) WriteString(s string) (int, error) {
	if err := w.beforeWrite(len(s)); err != nil || len(s) == 0 {
		return 0, err
	}
	// bufio.Writer's WriteString: net/http's chunk writer takes no strings, so the buffer is
	// always filled and flushed.
	nn := 0
	for len(s) > chunkingThreshold-len(w.buf) && w.err == nil {
		n := chunkingThreshold - len(w.buf)
		w.buf = append(w.buf, s[:n]...)
		w.flushBuffer()
		nn += n
		s = s[n:]
	}
	if w.err != nil {
		return nn, w.err
	}
	w.buf = append(w.buf, s...)
	return nn + len(s), nil
}

// beforeWrite does what net/http does before a body write of n bytes.
func (w *fastResponse) beforeWrite(n int) error {
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	if n == 0 {
		return nil
	}
	if !bodyAllowed(w.status) {
		return http.ErrBodyNotAllowed
	}
	return w.err
}

// flushBuffer sends what the handler wrote so far as one chunk.
func (w *fastResponse) flushBuffer() {
	if len(w.buf) > 0 && w.err == nil {
		w.sendChunk(w.buf)
	}
	w.buf = w.buf[:0]
}

// sendChunk is net/http's chunk writer: the first data commits the headers, then each call is one
// chunk (or, with a Content-Length, the body).
func (w *fastResponse) sendChunk(p []byte) {
	if !w.committed {
		w.commit(p)
	}
	if w.chunking {
		w.out = strconv.AppendInt(w.out, int64(len(p)), 16)
		w.out = append(w.out, "\r\n"...)
		w.out = append(append(w.out, p...), "\r\n"...)
	} else {
		w.out = append(w.out, p...)
	}
	if len(w.out) >= sendBufferSize {
		w.flushOut()
	}
}

// commit lays out the headers as net/http's chunk writer does when the first data (p, possibly
// none) goes out: the handler's, then Date, Content-Length (once the handler is done), the sniffed
// Content-Type, Connection and Transfer-Encoding.
func (w *fastResponse) commit(p []byte) {
	w.committed = true
	if w.front.isClosed() { // net/http's responses say close while it shuts down
		w.closeAfter = true
	}
	out := append(w.out, w.head...)
	if !w.haveDate {
		out = append(out, "Date: "...)
		out = time.Now().UTC().AppendFormat(out, http.TimeFormat)
		out = append(out, "\r\n"...)
	}
	withBody := bodyAllowed(w.status)
	if w.handlerDone && withBody {
		out = append(out, "Content-Length: "...)
		out = strconv.AppendInt(out, int64(len(p)), 10)
		out = append(out, "\r\n"...)
	}
	if withBody && !w.haveType && !w.haveCE && len(p) > 0 {
		out = appendHeaderLine(out, "Content-Type", http.DetectContentType(p))
	}
	if w.closeAfter {
		out = append(out, "Connection: close\r\n"...)
	}
	if withBody && !w.handlerDone {
		w.chunking = true
		out = append(out, "Transfer-Encoding: chunked\r\n"...)
	}
	w.out = append(out, "\r\n"...)
}

// Flush sends the headers and what the handler wrote so far.
func (w *fastResponse) Flush() { _ = w.FlushError() }

// FlushError is Flush, with the connection's error (http.ResponseController uses it).
func (w *fastResponse) FlushError() error {
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	w.flushBuffer()
	if !w.committed {
		w.commit(nil)
	}
	w.flushOut()
	return w.err
}

// SetWriteDeadline sets the connection's write deadline (http.ResponseController uses it); it is
// cleared after the request.
func (w *fastResponse) SetWriteDeadline(t time.Time) error {
	w.writeDeadline = true
	return w.conn.SetWriteDeadline(t)
}

// finish ends the response as net/http does when the handler returns: the rest of the body, the
// headers if nothing went out yet (with a Content-Length), the last chunk. It reports whether the
// connection may serve another request.
func (w *fastResponse) finish() bool {
	w.handlerDone = true
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	w.flushBuffer()
	if !w.committed {
		w.commit(nil)
	}
	if w.chunking {
		w.out = append(w.out, "0\r\n\r\n"...)
	}
	w.flushOut()
	if w.writeDeadline {
		_ = w.conn.SetWriteDeadline(time.Time{})
	}
	return w.err == nil && !w.closeAfter
}

// flushOut writes the collected bytes.
func (w *fastResponse) flushOut() {
	if len(w.out) == 0 {
		return
	}
	if w.err == nil {
		_, w.err = w.conn.Write(w.out)
	}
	w.out = w.out[:0]
}

// bodyAllowed reports whether a response with this status may carry a body.
func bodyAllowed(code int) bool {
	return code >= 200 && code != http.StatusNoContent && code != http.StatusNotModified
}

func appendHeaderLine(b []byte, k, v string) []byte {
	b = append(b, k...)
	b = append(b, ": "...)
	b = append(b, v...)
	return append(b, "\r\n"...)
}

var _ io.StringWriter = (*fastResponse)(nil)
