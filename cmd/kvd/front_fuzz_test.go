package main

import (
	"bytes"
	"fmt"
	"io"
	"log"
	"maps"
	"net/http"
	"regexp"
	"runtime/debug"
	"slices"
	"strings"
	"testing"
	"time"
)

// FuzzFrontAgainstNetHTTP sends the same bytes (one request or several pipelined, split into reads
// as cuts says) to the recording handler behind net/http alone and behind the front, half-closes,
// and requires the same bytes back from both, up to the same close: statuses, headers (but the
// Date's value), bodies, chunk framing, which requests were answered and whether the connection
// was closed. The recording handler answers with what it saw of the request, so the requests the
// handler got are compared too. Requests the front does not serve itself go to net/http, and the
// bytes it already read with them: they must come back the same as well.
func FuzzFrontAgainstNetHTTP(f *testing.F) {
	for _, s := range largeFrontSeeds() {
		f.Add(s, []byte{})
	}
	old := debug.SetMemoryLimit(1 << 30)
	f.Cleanup(func() { debug.SetMemoryLimit(old) })
	plain, front := startPipeServers(f, http.HandlerFunc(recordingHandler))
	f.Fuzz(func(t *testing.T, raw, cuts []byte) {
		want, err := exchangeOver(plain, raw, cuts)
		if err != nil {
			t.Skipf("net/http alone: %v", err) // it too must close: nothing to compare
		}
		got, err := exchangeOver(front, raw, cuts)
		if err != nil {
			t.Fatalf("front: %v (net/http answered %q)", err, want)
		}
		if !bytes.Equal(want, got) {
			t.Fatalf("the front answers otherwise than net/http\nrequest: %q\ncuts:    %v\nnet/http: %q\nfront:    %q", raw, cuts, want, got)
		}
	})
}

// largeFrontSeeds are the seeds too large for files in testdata: headers over the 1 MiB limit,
// a target over it, a header of 4095 bytes and one just over the front's buffer.
func largeFrontSeeds() [][]byte {
	req := func(target, headers string) []byte {
		return []byte("GET " + target + " HTTP/1.1\r\nHost: x\r\n" + headers + "\r\nGET /v2/keys/next HTTP/1.1\r\nHost: x\r\n\r\n")
	}
	return [][]byte{
		req("/v2/keys/a", "X-Big: "+strings.Repeat("b", 1<<20)+"\r\n"),
		req("/v2/keys/a", "X-Big: "+strings.Repeat("b", 1<<20-100)+"\r\n"),
		req("/v2/keys/"+strings.Repeat("k", 1<<20+10), ""),
		req("/v2/keys/a", strings.Repeat("X-Many: 1\r\n", 100000)),
		req("/v2/keys/a", "X-Fits: "+strings.Repeat("f", frontBufferSize-60)+"\r\n"),
		req("/v2/keys/a", "X-Over: "+strings.Repeat("o", frontBufferSize)+"\r\n"),
		[]byte("PUT /v2/keys/a HTTP/1.1\r\nHost: x\r\nContent-Length: 8000\r\n\r\n" + strings.Repeat("v", 8000)),
	}
}

// pipeServers are the two servers of the differential: the handler behind net/http alone and
// behind the front, on in-memory listeners.
type pipeServer struct{ ln *pipeListener }

func startPipeServers(tb testing.TB, handler http.Handler) (plain, front pipeServer) {
	tb.Helper()
	start := func(withFront bool) pipeServer {
		ln := newPipeListener()
		srv := newClientServer(handler, clientLimits)
		srv.ErrorLog = log.New(io.Discard, "", 0) // the handler's panics are logged
		if withFront {
			go func() { _ = serveFront(srv, ln, clientLimits) }()
		} else {
			go func() { _ = srv.Serve(ln) }()
		}
		tb.Cleanup(func() { _ = srv.Close() })
		return pipeServer{ln}
	}
	return start(false), start(true)
}

// dateValue matches the value of a Date header, which differs between any two answers.
var dateValue = regexp.MustCompile(`\r\nDate: [A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d GMT\r\n`)

// exchangeOver sends raw to s and returns its answer with Date values blanked.
func exchangeOver(s pipeServer, raw, cuts []byte) ([]byte, error) {
	c, err := s.ln.dial()
	if err != nil {
		return nil, err
	}
	out, err := c.exchange(raw, cuts, 10*time.Second)
	if err != nil {
		return out, err
	}
	return dateValue.ReplaceAll(out, []byte("\r\nDate: (date)\r\n")), nil
}

// recordingHandler answers with what it saw of the request: method, target, URL, protocol, Host,
// every header, the body as read, the form, the context's values. Words in the path shape how it
// reads the body (noread, oneread, closebody, form) and how it answers (status, headers, body
// sizes, flushes, interim responses, panics), so that the fuzzer can reach each way net/http
// answers.
func recordingHandler(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	var b strings.Builder
	fmt.Fprintf(&b, "%s %q %q %s host=%q remote=%s len=%d close=%v te=%v trailer=%v\n", r.Method, r.RequestURI,
		r.URL.String(), r.Proto, r.Host, r.RemoteAddr, r.ContentLength, r.Close, r.TransferEncoding, r.Trailer)
	_, hasServer := r.Context().Value(http.ServerContextKey).(*http.Server)
	fmt.Fprintf(&b, "ctx server=%v local=%v\n", hasServer, r.Context().Value(http.LocalAddrContextKey))
	for _, k := range slices.Sorted(maps.Keys(r.Header)) {
		fmt.Fprintf(&b, "%s=%q\n", k, r.Header[k])
	}
	readRequestBody(&b, r, p)

	h := w.Header()
	h.Set("X-Etcd-Index", "7")
	h.Add("X-Multi", "a")
	h.Add("X-Multi", "b")
	if strings.Contains(p, "badheader") {
		h["X-Split"] = []string{"a\r\nInjected: yes", " padded\t"}
		h["Bad Name"] = []string{"x"}
	}
	if strings.Contains(p, "setdate") {
		h.Set("Date", "Thu, 01 Jan 1970 00:00:00 GMT")
	}
	if !strings.Contains(p, "sniff") {
		h.Set("Content-Type", "application/json")
	}
	if strings.Contains(p, "gzip") {
		h.Del("Content-Type")
		h.Set("Content-Encoding", "gzip")
	}
	if strings.Contains(p, "early") {
		w.WriteHeader(http.StatusEarlyHints)
	}
	switch {
	case strings.Contains(p, "created"):
		w.WriteHeader(http.StatusCreated)
	case strings.Contains(p, "nocontent"):
		w.WriteHeader(http.StatusNoContent)
	case strings.Contains(p, "notmodified"):
		w.WriteHeader(http.StatusNotModified)
	case strings.Contains(p, "odd"):
		w.WriteHeader(299)
	case strings.Contains(p, "missing"):
		w.WriteHeader(http.StatusNotFound)
	}
	h.Set("X-Too-Late", "ignored") // after WriteHeader: not sent, as in net/http
	writeRecordedBody(w, b.String(), p)
}

// readRequestBody reads the body as the path says and notes what it read.
func readRequestBody(b *strings.Builder, r *http.Request, p string) {
	switch {
	case strings.Contains(p, "noread"):
	case strings.Contains(p, "oneread"):
		one := make([]byte, 1)
		n, err := r.Body.Read(one)
		fmt.Fprintf(b, "read %q %v\n", one[:n], err)
	case strings.Contains(p, "closebody"):
		fmt.Fprintf(b, "close %v\n", r.Body.Close())
	case strings.Contains(p, "form"):
		err := r.ParseForm()
		fmt.Fprintf(b, "form %v %v\n", r.Form, err)
	default:
		body, err := io.ReadAll(r.Body)
		fmt.Fprintf(b, "body %q %v\n", body, err)
	}
}

// writeRecordedBody writes the record, then as much more as the path asks for, in the ways the
// path says.
func writeRecordedBody(w http.ResponseWriter, record, p string) {
	if strings.Contains(p, "nobody") {
		return
	}
	if strings.Contains(p, "sniff") {
		record = "<html><body>" + record
	}
	_, _ = io.WriteString(w, record)
	for _, size := range []int{2048, 2049, 5000} {
		if strings.Contains(p, fmt.Sprintf("b%d", size)) { // the body is size bytes long
			_, _ = w.Write(bytes.Repeat([]byte("x"), max(0, size-len(record))))
		}
	}
	if strings.Contains(p, "flush") {
		_ = http.NewResponseController(w).Flush()
		_, _ = w.Write([]byte("after flush\n"))
	}
	if strings.Contains(p, "string7000") {
		_, _ = io.WriteString(w, strings.Repeat("s", 7000))
	}
	if strings.Contains(p, "panic") {
		panic("recording handler: asked to panic")
	}
	if strings.Contains(p, "abort") {
		panic(http.ErrAbortHandler)
	}
}
