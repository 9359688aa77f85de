package v2client

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// seenRequest is what a recording server saw of one request.
type seenRequest struct {
	Method      string
	Path        string
	RawPath     string
	Query       url.Values
	Body        string
	ContentType string
	User        string
	Password    string
}

// cannedReply is what a recording server answers.
type cannedReply struct {
	Status int
	Header map[string]string
	Body   string
}

// recorder is an httptest server that records every request and answers from a function.
type recorder struct {
	mu     sync.Mutex
	seen   []seenRequest
	answer func(seenRequest) cannedReply
	srv    *httptest.Server
}

func newRecorder(t *testing.T, answer func(seenRequest) cannedReply) *recorder {
	t.Helper()
	r := &recorder{answer: answer}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, err := io.ReadAll(req.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		user, pass, _ := req.BasicAuth()
		s := seenRequest{
			Method: req.Method, Path: req.URL.Path, RawPath: req.URL.EscapedPath(), Query: req.URL.Query(),
			Body: string(body), ContentType: req.Header.Get("Content-Type"), User: user, Password: pass,
		}
		r.mu.Lock()
		r.seen = append(r.seen, s)
		r.mu.Unlock()
		rep := r.answer(s)
		for k, v := range rep.Header {
			w.Header().Set(k, v)
		}
		w.WriteHeader(rep.Status)
		_, _ = io.WriteString(w, rep.Body)
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *recorder) requests() []seenRequest {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]seenRequest(nil), r.seen...)
}

func (r *recorder) last(t *testing.T) seenRequest {
	t.Helper()
	all := r.requests()
	require.NotEmpty(t, all)
	return all[len(all)-1]
}

// fixed answers every request the same way.
func fixed(status int, body string, header map[string]string) func(seenRequest) cannedReply {
	return func(seenRequest) cannedReply { return cannedReply{Status: status, Body: body, Header: header} }
}

// deadEndpoint returns the URL of a port nobody listens on.
func deadEndpoint(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	return "http://" + addr
}

func form(t *testing.T, body string) url.Values {
	t.Helper()
	v, err := url.ParseQuery(body)
	require.NoError(t, err)
	return v
}
