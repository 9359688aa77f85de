package main

import (
	"context"
	"io"
	"net/http"
	"net/textproto"
	"net/url"
	"strconv"
	"strings"
)

// fastRequest is a request the front serves itself, parsed from its header block.
type fastRequest struct {
	method, target, host string
	header               http.Header
	contentLength        int64
	close                bool // Connection: close
}

// parseFastRequest parses a header block into a request the front serves itself; ok is false when
// net/http must serve it: anything but a key read or write (no watch in the query) by GET, PUT,
// POST or DELETE in plain HTTP/1.1, with one valid Host, only well-formed single-line headers
// (net/textproto's rules), a Content-Length of digits at most once, a Connection of "close" or
// "keep-alive", and no Transfer-Encoding, Expect, Upgrade, TE, Trailer or Pragma. The handler
// then sees what net/http would give it: names canonical, values trimmed, Host out of the header
// map. hdr is filled, its previous content dropped; the first value of each header is held in
// vals (a handler that appends to it gets a copy).
func parseFastRequest(block []byte, hdr http.Header, vals *headerValues) (req fastRequest, ok bool) {
	text := string(block) // every string of the request is a part of this one
	line, rest, _ := strings.Cut(text, "\r\n")
	method, after, ok1 := strings.Cut(line, " ")
	target, proto, ok2 := strings.Cut(after, " ")
	if !ok1 || !ok2 || proto != "HTTP/1.1" {
		return req, false
	}
	switch method {
	case http.MethodGet, http.MethodPut, http.MethodPost, http.MethodDelete:
	default:
		return req, false
	}
	if !isKeyTarget(target) {
		return req, false
	}
	req.method, req.target = method, target
	clear(hdr)
	req.header = hdr
	vals.used = 0
	sawHost, sawLength := false, false
	for len(rest) > 2 { // the block ends with the blank line's CRLF
		line, rest, _ = strings.Cut(rest, "\r\n")
		name, value, found := strings.Cut(line, ":")
		if !found || !validHeaderName(name) || !validHeaderValue(value) {
			return req, false
		}
		key := textproto.CanonicalMIMEHeaderKey(name)
		v := strings.Trim(value, " \t")
		switch key {
		case "Transfer-Encoding", "Expect", "Upgrade", "Te", "Trailer", "Pragma":
			return req, false
		case "Host": // net/http keeps it in Request.Host only
			if sawHost || v == "" || !validHost(v) {
				return req, false
			}
			req.host, sawHost = v, true
			continue
		case "Content-Length":
			n, valid := parseContentLength(v)
			if sawLength || !valid {
				return req, false
			}
			req.contentLength, sawLength = n, true
		case "Connection":
			switch strings.ToLower(v) {
			case "close":
				req.close = true
			case "keep-alive":
			default:
				return req, false
			}
		}
		if vv, seen := hdr[key]; seen {
			hdr[key] = append(vv, v)
		} else {
			hdr[key] = vals.one(v)
		}
	}
	return req, sawHost
}

// headerValues is room for the first value of a request's headers (net/textproto shares one
// array between them likewise).
type headerValues struct {
	room [24]string
	used int
}

// one returns a one-value slice holding v, capped so that appending copies it.
func (hv *headerValues) one(v string) []string {
	if hv.used == len(hv.room) {
		return []string{v}
	}
	s := hv.room[hv.used : hv.used+1 : hv.used+1]
	s[0] = v
	hv.used++
	return s
}

// parseContentLength parses a Content-Length as net/http accepts it: decimal digits only (no sign,
// no spaces inside), below 1<<63.
func parseContentLength(v string) (int64, bool) {
	if v == "" {
		return 0, false
	}
	for i := range len(v) {
		if v[i] < '0' || v[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseUint(v, 10, 63)
	return int64(n), err == nil
}

// isKeyTarget reports whether target is a key path (under /v2/keys) whose query asks for no watch.
func isKeyTarget(target string) bool {
	path, query, _ := strings.Cut(target, "?")
	if path != "/v2/keys" && !strings.HasPrefix(path, "/v2/keys/") {
		return false
	}
	return !strings.Contains(query, "wait")
}

// validHeaderName reports whether name is an HTTP token (no spaces, no separators).
func validHeaderName(name string) bool {
	if name == "" {
		return false
	}
	for i := range len(name) {
		c := name[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`"(),/:;<=>?@[\]{}`, c) >= 0 {
			return false
		}
	}
	return true
}

// validHeaderValue reports whether value holds no control character but horizontal tab (bytes
// from 0x80 are allowed, as net/textproto allows them).
func validHeaderValue(value string) bool {
	for i := range len(value) {
		c := value[i]
		if (c < ' ' && c != '\t') || c == 0x7f {
			return false
		}
	}
	return true
}

// validHost reports whether every byte of a Host value is one net/http accepts (its
// httpguts.ValidHostHeader: letters, digits and the bytes of a URI host and port).
func validHost(h string) bool {
	for i := range len(h) {
		c := h[i]
		if ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || ('0' <= c && c <= '9') {
			continue
		}
		if strings.IndexByte("!$%&'()*+,-.:;=[]_~", c) < 0 {
			return false
		}
	}
	return true
}

// httpRequest builds the *http.Request the handler sees, with body (the request's bytes, read in
// full) and ctx; false when net/http would refuse the target (it then says how).
func (fr *fastRequest) httpRequest(ctx context.Context, remote string, body *fastBody) (*http.Request, bool) {
	u, err := url.ParseRequestURI(fr.target)
	if err != nil {
		return nil, false
	}
	r := http.Request{Method: fr.method, URL: u, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: fr.header, ContentLength: fr.contentLength, Host: fr.host, RequestURI: fr.target,
		RemoteAddr: remote, Close: fr.close, Body: http.NoBody}
	if fr.contentLength > 0 {
		r.Body = body
	}
	return r.WithContext(ctx), true
}

// fastBody is a request body the front holds in full. It reads as net/http's body does: the last
// bytes come with io.EOF, and a Read after Close fails with http.ErrBodyReadAfterClose.
type fastBody struct {
	data    []byte
	sawEOF  bool
	closed  bool
	touched bool // Read was called
}

func (b *fastBody) Read(p []byte) (int, error) {
	b.touched = true
	switch {
	case b.closed:
		return 0, http.ErrBodyReadAfterClose
	case b.sawEOF:
		return 0, io.EOF
	case len(p) == 0:
		return 0, nil
	}
	n := copy(p, b.data)
	b.data = b.data[n:]
	if len(b.data) == 0 {
		b.sawEOF = true
		return n, io.EOF
	}
	return n, nil
}

// Held returns the whole body while none of it has been read and it is open (httpapi.HeldBody:
// the keys handler reads a form in place).
func (b *fastBody) Held() ([]byte, bool) {
	if b.closed || b.touched {
		return nil, false
	}
	return b.data, true
}

// Close marks the body closed. net/http's reads what is left of a body when it is closed (up to
// 256 KiB) so that the connection can serve the next request; the front holds the body whole, so a
// body left unread never closes the connection.
func (b *fastBody) Close() error {
	b.closed = true
	return nil
}
