package main

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// echoHandler answers with what it saw of the request, and shapes its answer from the path: a
// status, a Content-Type or none, headers set after WriteHeader, no body at all.
func echoHandler(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm() // reads a form body
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	h := w.Header()
	h.Set("X-Etcd-Index", "42")
	h.Add("X-Multi", "a")
	h.Add("X-Multi", "b")
	h.Set("Access-Control-Allow-Origin", "*")
	switch {
	case strings.HasSuffix(r.URL.Path, "/created"):
		h.Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		h.Set("X-Too-Late", "ignored")
	case strings.HasSuffix(r.URL.Path, "/empty"):
		return
	case strings.HasSuffix(r.URL.Path, "/nocontent"):
		w.WriteHeader(http.StatusNoContent)
		return
	case strings.HasSuffix(r.URL.Path, "/sniff"):
		_, _ = w.Write([]byte("<html><body>hi</body></html>"))
		return
	case strings.HasSuffix(r.URL.Path, "/missing"):
		http.NotFound(w, r)
		return
	default:
		h.Set("Content-Type", "application/json")
	}
	fmt.Fprintf(w, "%s %s %q host=%s len=%d body=%q form=%v auth=%q ua=%q\n", r.Method, r.URL.Path, r.URL.RawQuery,
		r.Host, r.ContentLength, body, r.Form, r.Header.Get("Authorization"), r.Header.Values("User-Agent"))
}

// servers starts the handler behind net/http alone and behind the front; handedOver counts the
// connections the front gave to net/http.
func servers(t *testing.T) (plain, front string, handedOver *atomic.Int64) {
	t.Helper()
	handedOver = &atomic.Int64{}
	start := func(withFront bool) string {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		srv := newClientServer(http.HandlerFunc(echoHandler), clientLimits)
		if withFront {
			srv.ConnState = func(_ net.Conn, s http.ConnState) {
				if s == http.StateNew {
					handedOver.Add(1)
				}
			}
			go func() { _ = serveFront(srv, ln, clientLimits) }()
		} else {
			go func() { _ = srv.Serve(ln) }()
		}
		t.Cleanup(func() { _ = srv.Close() })
		return ln.Addr().String()
	}
	return start(false), start(true), handedOver
}

// exchange writes raw to addr and reads the responses to the requests of methods; each is the
// status line, the headers but Date, and the body.
func exchange(t *testing.T, addr, raw string, methods ...string) []string {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	defer c.Close()
	require.NoError(t, c.SetDeadline(time.Now().Add(10*time.Second)))
	_, err = io.WriteString(c, raw)
	require.NoError(t, err)
	br := bufio.NewReader(c)
	var out []string
	for _, m := range methods {
		resp, err := http.ReadResponse(br, &http.Request{Method: m})
		if err != nil {
			out = append(out, "read error: "+err.Error())
			break
		}
		body, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		resp.Header.Del("Date")
		var b strings.Builder
		fmt.Fprintf(&b, "%s close=%v length=%d transfer-encoding=%v\n", resp.Status, resp.Close, resp.ContentLength, resp.TransferEncoding)
		require.NoError(t, resp.Header.Write(&b))
		fmt.Fprintf(&b, "\n%s", body)
		out = append(out, b.String())
	}
	return out
}

func TestFrontAnswersAsNetHTTP(t *testing.T) {
	plain, front, handedOver := servers(t)
	const form = "Content-Type: application/x-www-form-urlencoded\r\n"
	tests := []struct {
		name      string
		raw       string
		responses int
		fast      bool // served by the front, not handed over
	}{
		{"get", "GET /v2/keys/a?recursive=true HTTP/1.1\r\nHost: x\r\nUser-Agent: t\r\n\r\n", 1, true},
		{"put form", "PUT /v2/keys/a HTTP/1.1\r\nHost: x\r\n" + form + "Content-Length: 7\r\n\r\nvalue=1", 1, true},
		{"post created", "POST /v2/keys/q/created HTTP/1.1\r\nHost: x\r\n" + form + "Content-Length: 5\r\n\r\nvalue", 1, true},
		{"delete", "DELETE /v2/keys/a?prevValue=%20x HTTP/1.1\r\nHost: x\r\nAuthorization: Basic eDp5\r\n\r\n", 1, true},
		{"empty answer", "GET /v2/keys/empty HTTP/1.1\r\nHost: x\r\n\r\n", 1, true},
		{"no content", "GET /v2/keys/nocontent HTTP/1.1\r\nHost: x\r\n\r\n", 1, true},
		{"sniffed type", "GET /v2/keys/sniff HTTP/1.1\r\nHost: x\r\n\r\n", 1, true},
		{"not found", "GET /v2/keys/missing HTTP/1.1\r\nHost: x\r\n\r\n", 1, true},
		{"connection close", "GET /v2/keys/a HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 1, true},
		{"pipelined", "GET /v2/keys/a HTTP/1.1\r\nHost: x\r\n\r\nPUT /v2/keys/b HTTP/1.1\r\nHost: x\r\n" + form +
			"Content-Length: 3\r\n\r\nv=2GET /v2/keys/c HTTP/1.1\r\nHost: x\r\n\r\n", 3, true},
		{"mixed case headers", "GET /v2/keys/a HTTP/1.1\r\nhost: x\r\nuser-agent:  spaced  \r\nX-CUSTOM: 1\r\n\r\n", 1, true},
		{"repeated header", "GET /v2/keys/a HTTP/1.1\r\nHost: x\r\nUser-Agent: 1\r\nUser-Agent: 2\r\n\r\n", 1, true},

		{"watch", "GET /v2/keys/a?wait=true&waitIndex=1 HTTP/1.1\r\nHost: x\r\n\r\n", 1, false},
		{"head", "HEAD /v2/keys/a HTTP/1.1\r\nHost: x\r\n\r\n", 1, false},
		{"http/1.0", "GET /v2/keys/a HTTP/1.0\r\n\r\n", 1, false},
		{"no host", "GET /v2/keys/a HTTP/1.1\r\n\r\n", 1, false},
		{"two hosts", "GET /v2/keys/a HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n", 1, false},
		{"other path", "GET /v2/members HTTP/1.1\r\nHost: x\r\n\r\n", 1, false},
		{"chunked body", "PUT /v2/keys/a HTTP/1.1\r\nHost: x\r\n" + form + "Transfer-Encoding: chunked\r\n\r\n7\r\nvalue=1\r\n0\r\n\r\n", 1, false},
		{"expect", "PUT /v2/keys/a HTTP/1.1\r\nHost: x\r\n" + form + "Expect: 100-continue\r\nContent-Length: 7\r\n\r\nvalue=1", 1, false},
		{"bad length", "PUT /v2/keys/a HTTP/1.1\r\nHost: x\r\nContent-Length: +7\r\n\r\nvalue=1", 1, false},
		{"two lengths", "PUT /v2/keys/a HTTP/1.1\r\nHost: x\r\nContent-Length: 7\r\nContent-Length: 7\r\n\r\nvalue=1", 1, false},
		{"folded header", "GET /v2/keys/a HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n 2\r\n\r\n", 1, false},
		{"space in name", "GET /v2/keys/a HTTP/1.1\r\nHost: x\r\nX A: 1\r\n\r\n", 1, false},
		{"bad target", "GET /v2/keys/%zz HTTP/1.1\r\nHost: x\r\n\r\n", 1, false},
		{"fast then handed over", "GET /v2/keys/a HTTP/1.1\r\nHost: x\r\n\r\nHEAD /v2/keys/a HTTP/1.1\r\nHost: x\r\n\r\nGET /v2/keys/b HTTP/1.1\r\nHost: x\r\n\r\n", 3, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := handedOver.Load()
			methods := requestMethods(tt.raw)
			want := exchange(t, plain, tt.raw, methods...)
			got := exchange(t, front, tt.raw, methods...)
			assert.Equal(t, want, got)
			assert.Len(t, got, tt.responses)
			require.Eventually(t, func() bool { return tt.fast || handedOver.Load() == before+1 }, 5*time.Second, 5*time.Millisecond)
			if tt.fast {
				assert.Equal(t, before, handedOver.Load(), "served by the front")
			}
		})
	}
}

// TestFrontHeaderBlockLongerThanItsBuffer: headers that do not fit the front's buffer go to net/http,
// which applies its own limit.
func TestFrontHeaderBlockLongerThanItsBuffer(t *testing.T) {
	plain, front, handedOver := servers(t)
	raw := "GET /v2/keys/a HTTP/1.1\r\nHost: x\r\nX-Long: " + strings.Repeat("y", 2*frontBufferSize) + "\r\n\r\n"
	assert.Equal(t, exchange(t, plain, raw, "GET"), exchange(t, front, raw, "GET"))
	assert.Equal(t, int64(1), handedOver.Load())
}

// TestFrontKeepAliveWithGoClient: Go's client reuses one connection for many requests, all served
// by the front.
func TestFrontKeepAliveWithGoClient(t *testing.T) {
	_, front, handedOver := servers(t)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1}}
	for i := range 50 {
		resp, err := client.Post("http://"+front+fmt.Sprintf("/v2/keys/k%d", i), "application/x-www-form-urlencoded",
			strings.NewReader(fmt.Sprintf("value=%d", i)))
		require.NoError(t, err)
		body, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		require.NoError(t, resp.Body.Close())
		assert.Contains(t, string(body), fmt.Sprintf("POST /v2/keys/k%d", i))
		assert.Contains(t, string(body), fmt.Sprintf("form=map[value:[%d]]", i))
	}
	assert.Zero(t, handedOver.Load())
}

// TestFrontClosesItsConnectionsWithTheServer: Shutdown (kvd's stop) closes the listener and the
// front's keep-alive connections.
func TestFrontClosesItsConnectionsWithTheServer(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	srv := newClientServer(http.HandlerFunc(echoHandler), clientLimits)
	served := make(chan error, 1)
	go func() { served <- serveFront(srv, ln, clientLimits) }()
	c, err := net.Dial("tcp", ln.Addr().String())
	require.NoError(t, err)
	defer c.Close()
	_, err = io.WriteString(c, "GET /v2/keys/a HTTP/1.1\r\nHost: x\r\n\r\n")
	require.NoError(t, err)
	br := bufio.NewReader(c)
	resp, err := http.ReadResponse(br, nil)
	require.NoError(t, err)
	_, _ = io.Copy(io.Discard, resp.Body)

	require.NoError(t, srv.Shutdown(t.Context()))
	require.ErrorIs(t, <-served, http.ErrServerClosed)
	require.NoError(t, c.SetReadDeadline(time.Now().Add(5*time.Second)))
	_, err = br.ReadByte()
	assert.ErrorIs(t, err, io.EOF, "the keep-alive connection was closed")
	_, err = net.Dial("tcp", ln.Addr().String())
	assert.Error(t, err, "the listener is closed")
}

// requestMethods are the methods of the requests in raw, in order: each request line starts a line
// with a method and ends with HTTP/1.x.
func requestMethods(raw string) []string {
	var out []string
	for _, line := range strings.Split(raw, "\r\n") {
		for _, m := range []string{"GET", "PUT", "POST", "DELETE", "HEAD"} {
			if i := strings.Index(line, m+" /"); i >= 0 && strings.Contains(line, " HTTP/1.") {
				out = append(out, m)
			}
		}
	}
	return out
}

// TestFrontLetsAnActiveRequestFinishAtShutdown: a request being served when the server shuts down
// still gets its response, and Shutdown waits for it, as net/http's; the connection closes after it.
func TestFrontLetsAnActiveRequestFinishAtShutdown(t *testing.T) {
	for _, withFront := range []bool{false, true} {
		t.Run(fmt.Sprintf("front=%v", withFront), func(t *testing.T) {
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			require.NoError(t, err)
			entered, release := make(chan struct{}), make(chan struct{})
			srv := newClientServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				close(entered)
				<-release
				_, _ = io.WriteString(w, "done")
			}), clientLimits)
			if withFront {
				go func() { _ = serveFront(srv, ln, clientLimits) }()
			} else {
				go func() { _ = srv.Serve(ln) }()
			}
			c, err := net.Dial("tcp", ln.Addr().String())
			require.NoError(t, err)
			defer c.Close()
			require.NoError(t, c.SetDeadline(time.Now().Add(10*time.Second)))
			_, err = io.WriteString(c, "GET /v2/keys/a HTTP/1.1\r\nHost: x\r\n\r\n")
			require.NoError(t, err)
			<-entered
			shutdown := make(chan error, 1)
			go func() { shutdown <- srv.Shutdown(t.Context()) }()
			require.Eventually(t, func() bool {
				c, err := net.Dial("tcp", ln.Addr().String())
				if err == nil {
					_ = c.Close()
				}
				return err != nil
			}, 10*time.Second, time.Millisecond, "the listener closes")
			select {
			case err := <-shutdown:
				t.Fatalf("Shutdown returned (%v) while a request was being served", err)
			default:
			}
			close(release)
			br := bufio.NewReader(c)
			resp, err := http.ReadResponse(br, nil)
			require.NoError(t, err)
			body, err := io.ReadAll(resp.Body)
			require.NoError(t, err)
			assert.Equal(t, "done", string(body))
			assert.True(t, resp.Close, "the answer says the connection closes")
			_, err = br.ReadByte()
			assert.ErrorIs(t, err, io.EOF, "closed after the response")
			require.NoError(t, <-shutdown)
		})
	}
}

// TestFrontStreamsALongBody: as net/http, a body over 2048 bytes goes out chunked as the handler
// writes it, not collected whole; a short one gets a Content-Length.
func TestFrontStreamsALongBody(t *testing.T) {
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		n, _ := strconv.Atoi(r.URL.Query().Get("n"))
		for i := range n {
			fmt.Fprintf(w, "line %04d %s\n", i, strings.Repeat("x", 100))
		}
	})
	plain, front := startServer(t, handler, clientLimits, false, nil), startServer(t, handler, clientLimits, true, nil)
	for _, n := range []int{0, 1, 18, 19, 2000} { // each line is 111 bytes
		raw := fmt.Sprintf("GET /v2/keys/list?n=%d HTTP/1.1\r\nHost: x\r\n\r\nGET /v2/keys/list?n=1 HTTP/1.1\r\nHost: x\r\n\r\n", n)
		want := exchange(t, plain, raw, "GET", "GET")
		got := exchange(t, front, raw, "GET", "GET")
		require.Equal(t, want, got, "n=%d", n)
		assert.Equal(t, n*111 > chunkingThreshold, strings.Contains(got[0], "transfer-encoding=[chunked]"), "n=%d", n)
	}
}
