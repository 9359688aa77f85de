package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
)

// keysLikeHandler answers as the keys API does a write: it parses the form, sets the index headers
// and writes a JSON event of about 400 bytes.
func keysLikeHandler(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	h := w.Header()
	h["Content-Type"] = []string{"application/json"}
	h["X-Etcd-Index"] = []string{"1234"}
	h["X-Raft-Index"] = []string{"5678"}
	h["X-Raft-Term"] = []string{"2"}
	w.WriteHeader(http.StatusOK)
	_, _ = io.WriteString(w, `{"action":"set","node":{"key":"`+r.URL.Path[len("/v2/keys"):]+`","value":"`+r.Form.Get("value")+
		`","modifiedIndex":1234,"createdIndex":1234}}`+"\n")
}

// BenchmarkFrontPut is one keep-alive client's PUT of a 256-byte value and its answer, through the
// front or through net/http alone (client and server CPU both count).
func BenchmarkFrontPut(b *testing.B) {
	for _, withFront := range []bool{false, true} {
		name := "net/http"
		if withFront {
			name = "front"
		}
		b.Run(name, func(b *testing.B) {
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				b.Fatal(err)
			}
			srv := newClientServer(http.HandlerFunc(keysLikeHandler), clientLimits)
			if withFront {
				go func() { _ = serveFront(srv, ln, clientLimits) }()
			} else {
				go func() { _ = srv.Serve(ln) }()
			}
			defer srv.Close()
			c, err := net.Dial("tcp", ln.Addr().String())
			if err != nil {
				b.Fatal(err)
			}
			defer c.Close()
			body := "value=" + strings.Repeat("v", 256)
			req := []byte("PUT /v2/keys/bench/key HTTP/1.1\r\nHost: 127.0.0.1:2379\r\nUser-Agent: Go-http-client/1.1\r\n" +
				"Content-Length: " + strconv.Itoa(len(body)) + "\r\nContent-Type: application/x-www-form-urlencoded\r\n" +
				"Accept-Encoding: gzip\r\n\r\n" + body)
			br := bufio.NewReader(c)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := c.Write(req); err != nil {
					b.Fatal(err)
				}
				if err := readResponseBytes(br); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// readResponseBytes reads one 200 response with a Content-Length from br without allocating (the
// benchmark counts the server's allocations).
func readResponseBytes(br *bufio.Reader) error {
	length := -1
	for first := true; ; first = false {
		line, err := br.ReadSlice('\n')
		if err != nil {
			return err
		}
		switch {
		case first && !bytes.HasPrefix(line, []byte("HTTP/1.1 200 ")):
			return fmt.Errorf("status line %q", line)
		case bytes.HasPrefix(line, []byte("Content-Length: ")):
			length, err = strconv.Atoi(string(bytes.TrimSpace(line[len("Content-Length: "):])))
			if err != nil {
				return err
			}
		case len(line) == 2:
			if length < 0 {
				return errors.New("no Content-Length")
			}
			_, err = br.Discard(length)
			return err
		}
	}
}
