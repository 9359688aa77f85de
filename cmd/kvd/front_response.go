package main

import (
	"io"
	"net/http"
	"slices"
	"strconv"
	"time"
)

// chunkingThreshold is net/http's bufferBeforeChunkingSize: a handler that writes no more than this
// gets a Content-Length, a longer body goes out in chunks as it is written (a key listing can be
// far larger than memory should hold at once).
const chunkingThreshold = 2048

// fastResponse is the http.ResponseWriter of a request the front serves: the status line and
// headers are laid out when the handler writes the header (later header changes are ignored, as
// net/http ignores them). A body of up to chunkingThreshold bytes is collected and written with the
// headers in one write by finish; a longer one is streamed to conn in chunks.
type fastResponse struct {
	conn        io.Writer
	header      http.Header
	wroteHeader bool
	status      int
	head        []byte // status line and headers, without the ones the front adds and the blank line
	body        []byte // collected, or while chunking the next chunk
	close       bool
	chunking    bool
	err         error // a write to conn failed: the connection is done
}

func (w *fastResponse) Header() http.Header { return w.header }

func (w *fastResponse) WriteHeader(code int) {
	if w.wroteHeader || code < 200 || code > 999 { // no handler of the keys API sends 1xx
		return
	}
	w.wroteHeader, w.status = true, code
	w.head = append(w.head, "HTTP/1.1 "...)
	w.head = strconv.AppendInt(w.head, int64(code), 10)
	w.head = append(w.head, ' ')
	w.head = append(w.head, http.StatusText(code)...)
	w.head = append(w.head, "\r\n"...)
	if _, set := w.header["Content-Type"]; !set && bodyAllowed(code) {
		w.header["Content-Type"] = nil // decided from the body, as net/http sniffs it
	}
	keys := make([]string, 0, len(w.header))
	for k := range w.header {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if k == "Content-Length" || k == "Date" || k == "Connection" || k == "Transfer-Encoding" {
			continue // the front writes these
		}
		for _, v := range w.header[k] {
			w.head = appendHeaderLine(w.head, k, v)
		}
	}
}

func (w *fastResponse) Write(p []byte) (int, error) {
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	if !bodyAllowed(w.status) {
		return 0, http.ErrBodyNotAllowed
	}
	if w.err != nil {
		return 0, w.err
	}
	w.body = append(w.body, p...)
	if len(w.body) > chunkingThreshold {
		if !w.chunking {
			w.chunking = true
			w.err = w.send(w.headers(time.Now(), "Transfer-Encoding: chunked\r\n"))
		}
		w.flushChunk()
	}
	if w.err != nil {
		return 0, w.err
	}
	return len(p), nil
}

// flushChunk sends the collected body as one chunk.
func (w *fastResponse) flushChunk() {
	if w.err != nil || len(w.body) == 0 {
		return
	}
	chunk := strconv.AppendInt(make([]byte, 0, len(w.body)+16), int64(len(w.body)), 16)
	chunk = append(chunk, "\r\n"...)
	chunk = append(append(chunk, w.body...), "\r\n"...)
	w.body = w.body[:0]
	w.err = w.send(chunk)
}

func (w *fastResponse) send(b []byte) error {
	_, err := w.conn.Write(b)
	return err
}

// headers lays out the head with what the front adds: Content-Type (sniffed from the body when the
// handler set none), the given framing line, Date and Connection, then the blank line.
func (w *fastResponse) headers(now time.Time, framing string) []byte {
	out := w.head
	if v, set := w.header["Content-Type"]; set && v == nil && len(w.body) > 0 && bodyAllowed(w.status) {
		out = appendHeaderLine(out, "Content-Type", http.DetectContentType(w.body))
	}
	out = append(out, framing...)
	out = append(out, "Date: "...)
	out = now.UTC().AppendFormat(out, http.TimeFormat)
	out = append(out, "\r\n"...)
	if w.close {
		out = append(out, "Connection: close\r\n"...)
	}
	out = append(out, "\r\n"...)
	w.head = out
	return out
}

// finish writes what is left of the response: the whole of a short one (headers and body in one
// write), or a chunked one's last chunk and terminator. An error means the connection is done.
func (w *fastResponse) finish(now time.Time) ([]byte, error) {
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	if w.chunking {
		w.flushChunk()
		if w.err == nil {
			w.err = w.send([]byte("0\r\n\r\n"))
		}
		return w.head, w.err
	}
	framing := ""
	if bodyAllowed(w.status) {
		framing = "Content-Length: " + strconv.Itoa(len(w.body)) + "\r\n"
	}
	out := append(w.headers(now, framing), w.body...)
	return out, w.send(out)
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
