package main

import (
	"bytes"
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

// maxFastBody is the largest body the front reads itself (larger ones go to net/http).
const maxFastBody = 1 << 20

// headerBlock returns the request line and headers in buf (up to and including the blank line),
// or nil when buf does not hold them all yet.
func headerBlock(buf []byte) []byte {
	i := bytes.Index(buf, []byte("\r\n\r\n"))
	if i < 0 {
		return nil
	}
	return buf[:i+4]
}

// parseFastRequest parses a header block into a request the front serves itself; ok is false when
// net/http must serve it: anything but a key read or write (no watch) by GET, PUT, POST or DELETE in
// plain HTTP/1.1 with a Host, a Content-Length body of at most maxFastBody and only well-formed
// single-line headers, and no Transfer-Encoding, Expect or Upgrade. Header values and names are
// kept as net/http would (names canonical). hdr is filled, its previous content dropped.
func parseFastRequest(block []byte, hdr http.Header) (req fastRequest, ok bool) {
	line, rest, _ := bytes.Cut(block, []byte("\r\n"))
	method, after, ok1 := bytes.Cut(line, []byte(" "))
	target, proto, ok2 := bytes.Cut(after, []byte(" "))
	if !ok1 || !ok2 || string(proto) != "HTTP/1.1" {
		return req, false
	}
	switch string(method) {
	case http.MethodGet, http.MethodPut, http.MethodPost, http.MethodDelete:
	default:
		return req, false
	}
	if !isKeyTarget(target) {
		return req, false
	}
	req.method, req.target = string(method), string(target)
	clear(hdr)
	req.header = hdr
	sawLength := false
	for len(rest) > 2 { // the block ends with the blank line's CRLF
		line, rest, _ = bytes.Cut(rest, []byte("\r\n"))
		name, value, found := bytes.Cut(line, []byte(":"))
		if !found || !validHeaderName(name) || !validHeaderValue(value) {
			return req, false
		}
		key := textproto.CanonicalMIMEHeaderKey(string(name))
		v := string(bytes.Trim(value, " \t"))
		switch key {
		case "Transfer-Encoding", "Expect", "Upgrade", "Te", "Trailer":
			return req, false
		case "Host":
			if req.host != "" {
				return req, false
			}
			req.host = v
		case "Content-Length":
			n, err := strconv.ParseInt(v, 10, 64)
			if sawLength || err != nil || n < 0 || n > maxFastBody || v[0] == '+' {
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
		hdr[key] = append(hdr[key], v)
	}
	if req.host == "" {
		return req, false
	}
	return req, true
}

// isKeyTarget reports whether target is a key path (under /v2/keys) whose query asks for no watch.
func isKeyTarget(target []byte) bool {
	path, query, _ := bytes.Cut(target, []byte("?"))
	if !bytes.Equal(path, []byte("/v2/keys")) && !bytes.HasPrefix(path, []byte("/v2/keys/")) {
		return false
	}
	return !bytes.Contains(query, []byte("wait"))
}

// validHeaderName reports whether name is an HTTP token (no spaces, no separators).
func validHeaderName(name []byte) bool {
	if len(name) == 0 {
		return false
	}
	for _, c := range name {
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`"(),/:;<=>?@[\]{}`, c) >= 0 {
			return false
		}
	}
	return true
}

// validHeaderValue reports whether value holds no control character but horizontal tab, and does
// not start a folded header (obsolete line folding is left to net/http).
func validHeaderValue(value []byte) bool {
	for _, c := range value {
		if (c < ' ' && c != '\t') || c == 0x7f {
			return false
		}
	}
	return true
}

// httpRequest builds the *http.Request the handler sees, without its body; false when net/http
// would refuse the target (it then says how).
func (fr *fastRequest) httpRequest(remote string) (*http.Request, bool) {
	u, err := url.ParseRequestURI(fr.target)
	if err != nil {
		return nil, false
	}
	r := &http.Request{Method: fr.method, URL: u, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: fr.header, ContentLength: fr.contentLength, Host: fr.host, RequestURI: fr.target,
		RemoteAddr: remote, Close: fr.close, Body: http.NoBody}
	return r, true
}

// bodyReader is a request body read in full.
type bodyReader struct{ data []byte }

func (b *bodyReader) Read(p []byte) (int, error) {
	if len(b.data) == 0 {
		return 0, io.EOF
	}
	n := copy(p, b.data)
	b.data = b.data[n:]
	return n, nil
}

func (b *bodyReader) Close() error { return nil }
