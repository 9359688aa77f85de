package main

import (
	"net/http"
	"slices"
	"strconv"
	"time"
)

// fastResponse is the http.ResponseWriter of a request the front serves: the status line and
// headers are laid out when the handler writes the header (later header changes are ignored, as
// net/http ignores them), the body is collected, and finish writes it all with one write.
type fastResponse struct {
	header      http.Header
	wroteHeader bool
	status      int
	head        []byte // status line and headers, without Content-Length, Date and the blank line
	body        []byte
	close       bool
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
		w.header["Content-Type"] = nil // decided at finish, from the body (net/http sniffs it)
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
	w.body = append(w.body, p...)
	return len(p), nil
}

// finish lays out the whole response: what the handler set, then Content-Type (sniffed when the
// handler set none), Content-Length, Date and Connection as net/http adds them.
func (w *fastResponse) finish(now time.Time) []byte {
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	out := w.head
	if bodyAllowed(w.status) {
		if v, set := w.header["Content-Type"]; set && v == nil && len(w.body) > 0 {
			out = appendHeaderLine(out, "Content-Type", http.DetectContentType(w.body))
		}
		out = append(out, "Content-Length: "...)
		out = strconv.AppendInt(out, int64(len(w.body)), 10)
		out = append(out, "\r\n"...)
	}
	out = append(out, "Date: "...)
	out = now.UTC().AppendFormat(out, http.TimeFormat)
	out = append(out, "\r\n"...)
	if w.close {
		out = append(out, "Connection: close\r\n"...)
	}
	out = append(out, "\r\n"...)
	return append(out, w.body...)
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
