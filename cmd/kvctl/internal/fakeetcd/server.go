package fakeetcd

import (
	"encoding/json"
	"net/http"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Server is one fake etcd cluster's state behind an http.Handler. It is safe for concurrent
// use.
type Server struct {
	mu          sync.Mutex
	store       *store
	changed     chan struct{}
	members     []Member
	removed     map[string]bool
	leaderID    string
	nextID      uint64
	healthy     bool
	unavailable bool
	user, pass  string
	requests    []string
	waiting     int
	clusterID   string
	raftTerm    uint64
}

// New returns a healthy one-member fake whose first write gets index startIndex+1.
func New(startIndex uint64) *Server {
	return &Server{
		store:     newStore(startIndex),
		changed:   make(chan struct{}),
		removed:   map[string]bool{},
		nextID:    0xa000,
		healthy:   true,
		clusterID: "c8730d66636ff140",
		raftTerm:  2,
	}
}

// SetMembers replaces the member list; leaderID names the leader ("" = during election).
func (s *Server) SetMembers(members []Member, leaderID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.members = append([]Member(nil), members...)
	s.leaderID = leaderID
}

// Members returns a copy of the current member list.
func (s *Server) Members() []Member {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Member(nil), s.members...)
}

// SetHealthy sets what /health answers.
func (s *Server) SetHealthy(healthy bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.healthy = healthy
}

// SetUnavailable makes every /v2 request fail with 500 "Raft Internal Error", as a member
// without a leader answers.
func (s *Server) SetUnavailable(unavailable bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.unavailable = unavailable
}

// RequireAuth makes the keys API demand these basic-auth credentials.
func (s *Server) RequireAuth(user, pass string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.user, s.pass = user, pass
}

// Index returns the current etcd index.
func (s *Server) Index() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.store.index
}

// Waiting reports how many watches are registered and blocked until a live event. A test that
// writes after Waiting counts its watch knows the watch cannot miss the write (the request log
// alone does not: a request is logged before its watch registers).
func (s *Server) Waiting() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.waiting
}

// Requests lists the requests seen so far as "METHOD /path?query".
func (s *Server) Requests() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.requests...)
}

// Handler serves the fake's HTTP API.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/v2/keys", s.serveKeys)
	mux.HandleFunc("/v2/keys/", s.serveKeys)
	mux.HandleFunc("/v2/members", s.serveMembers)
	mux.HandleFunc("/v2/members/", s.serveMembers)
	mux.HandleFunc("/health", s.serveHealth)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		line := r.Method + " " + r.URL.Path
		if r.URL.RawQuery != "" {
			line += "?" + r.URL.RawQuery
		}
		s.requests = append(s.requests, line)
		unavailable := s.unavailable
		s.mu.Unlock()
		if unavailable && strings.HasPrefix(r.URL.Path, "/v2/") {
			writeKeyError(w, &storeError{300, "etcdserver: request timed out"}, 0)
			return
		}
		mux.ServeHTTP(w, r)
	})
}

// serveHealth answers /health like etcd 3.5.
func (s *Server) serveHealth(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	healthy := s.healthy
	s.mu.Unlock()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if healthy {
		_, _ = w.Write([]byte(`{"health":"true","reason":""}`))
		return
	}
	w.WriteHeader(http.StatusServiceUnavailable)
	_, _ = w.Write([]byte(`{"health":"false","reason":"RAFT NO LEADER"}` + "\n"))
}

// writeJSON writes a JSON body followed by a newline.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	b, err := json.Marshal(v)
	if err != nil {
		b = []byte(`{"message":"fakeetcd: cannot encode answer"}`)
	}
	_, _ = w.Write(append(b, '\n'))
}

// writeKeyError writes a keys API error with X-Etcd-Index = its index.
func writeKeyError(w http.ResponseWriter, e *storeError, index uint64) {
	if e.code == 300 || e.code == 110 || (e.code >= 200 && e.code < 300) {
		index = 0
	}
	w.Header().Set("X-Etcd-Index", strconv.FormatUint(index, 10))
	writeJSON(w, errorStatus(e.code), wireError{ErrorCode: e.code, Message: errorMessage(e.code), Cause: e.cause, Index: index})
}

// successHeaders sets the headers of a successful key answer.
func (s *Server) successHeaders(w http.ResponseWriter, index uint64) {
	w.Header().Set("X-Etcd-Cluster-Id", s.clusterID)
	w.Header().Set("X-Etcd-Index", strconv.FormatUint(index, 10))
	w.Header().Set("X-Raft-Index", strconv.FormatUint(index+100, 10))
	w.Header().Set("X-Raft-Term", strconv.FormatUint(s.raftTerm, 10))
}

// keyOf extracts the cleaned key from a keys URL.
func keyOf(r *http.Request) string {
	return path.Clean("/" + strings.TrimPrefix(r.URL.Path, "/v2/keys"))
}

// serveKeys is the /v2/keys handler.
func (s *Server) serveKeys(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		writeKeyError(w, &storeError{210, err.Error()}, 0)
		return
	}
	s.mu.Lock()
	user, pass := s.user, s.pass
	s.mu.Unlock()
	if user != "" {
		u, p, ok := r.BasicAuth()
		if !ok || u != user || p != pass {
			writeKeyError(w, &storeError{110, "Insufficient credentials"}, 0)
			return
		}
	}
	key := keyOf(r)
	switch r.Method {
	case http.MethodGet:
		if r.Form.Get("wait") == "true" {
			s.serveWatch(w, r, key)
			return
		}
		s.serveGet(w, r, key)
	case http.MethodPut, http.MethodPost:
		s.serveWrite(w, r, key)
	case http.MethodDelete:
		s.serveDelete(w, r, key)
	default:
		w.Header().Set("Allow", "HEAD,GET,PUT,POST,DELETE")
		http.Error(w, "Method Not Allowed", http.StatusMethodNotAllowed)
	}
}

func (s *Server) serveGet(w http.ResponseWriter, r *http.Request, key string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ev, err := s.store.get(key, r.Form.Get("recursive") == "true", r.Form.Get("sorted") == "true")
	if err != nil {
		writeKeyError(w, err, s.store.index)
		return
	}
	s.successHeaders(w, s.store.index)
	writeJSON(w, http.StatusOK, ev)
}

// parseWrite reads a write's parameters from the merged form.
func parseWrite(r *http.Request) (writeOptions, *storeError) {
	o := writeOptions{value: r.Form.Get("value"), prevValue: r.Form.Get("prevValue")}
	if _, ok := r.Form["prevValue"]; ok && o.prevValue == "" {
		return o, &storeError{201, `"prevValue" cannot be empty`}
	}
	if v := r.Form.Get("dir"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return o, &storeError{209, `invalid value for "dir"`}
		}
		o.dir = b
	}
	if v := r.Form.Get("prevIndex"); v != "" {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			return o, &storeError{203, `invalid value for "prevIndex"`}
		}
		o.prevIndex = n
	}
	if v := r.Form.Get("prevExist"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return o, &storeError{209, "invalid value for prevExist"}
		}
		o.prevExist = strconv.FormatBool(b)
	}
	if v := r.Form.Get("ttl"); v != "" {
		n, err := strconv.ParseUint(v, 10, 63)
		if err != nil {
			return o, &storeError{202, `invalid value for "ttl"`}
		}
		o.ttl, o.hasTTL = int64(n), true
		exp := time.Now().Add(time.Duration(n) * time.Second).UTC()
		o.expiration = exp.Format(time.RFC3339Nano)
	}
	return o, nil
}

func (s *Server) serveWrite(w http.ResponseWriter, r *http.Request, key string) {
	o, perr := parseWrite(r)
	if perr != nil {
		writeKeyError(w, perr, 0)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var ev *wireEvent
	var created bool
	var err *storeError
	if r.Method == http.MethodPost {
		ev, err = s.store.createInOrder(key, o)
		created = true
	} else {
		ev, created, err = s.store.put(key, o)
	}
	if err != nil {
		writeKeyError(w, err, s.store.index)
		return
	}
	s.notify()
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	s.successHeaders(w, s.store.index)
	writeJSON(w, status, ev)
}

func (s *Server) serveDelete(w http.ResponseWriter, r *http.Request, key string) {
	var prevIndex uint64
	if v := r.URL.Query().Get("prevIndex"); v != "" {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			writeKeyError(w, &storeError{203, `invalid value for "prevIndex"`}, 0)
			return
		}
		prevIndex = n
	}
	q := r.URL.Query()
	s.mu.Lock()
	defer s.mu.Unlock()
	ev, err := s.store.remove(key, q.Get("dir") == "true", q.Get("recursive") == "true", q.Get("prevValue"), prevIndex)
	if err != nil {
		writeKeyError(w, err, s.store.index)
		return
	}
	s.notify()
	s.successHeaders(w, s.store.index)
	writeJSON(w, http.StatusOK, ev)
}

// notify wakes every blocked watcher. The caller holds s.mu.
func (s *Server) notify() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// serveWatch answers a wait=true GET: at once from history, or after flushing the headers it
// blocks until a matching event or until the client goes away.
func (s *Server) serveWatch(w http.ResponseWriter, r *http.Request, key string) {
	var waitIndex uint64
	if v := r.Form.Get("waitIndex"); v != "" {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			writeKeyError(w, &storeError{203, `invalid value for "waitIndex"`}, 0)
			return
		}
		waitIndex = n
	}
	recursive := r.Form.Get("recursive") == "true"

	s.mu.Lock()
	if waitIndex == 0 {
		waitIndex = s.store.index + 1
	}
	registered := s.store.index
	ev, err := s.store.firstEvent(key, recursive, waitIndex)
	if err != nil {
		writeKeyError(w, err, s.store.index)
		s.mu.Unlock()
		return
	}
	s.successHeaders(w, registered)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	if f, ok := w.(http.Flusher); ok {
		f.Flush()
	}
	if ev == nil {
		s.waiting++
		defer func() {
			s.mu.Lock()
			s.waiting--
			s.mu.Unlock()
		}()
	}
	for ev == nil {
		changed := s.changed
		s.mu.Unlock()
		select {
		case <-changed:
		case <-r.Context().Done():
			return
		}
		s.mu.Lock()
		ev, _ = s.store.firstEvent(key, recursive, waitIndex)
	}
	s.mu.Unlock()
	b, merr := json.Marshal(ev)
	if merr != nil {
		return
	}
	_, _ = w.Write(append(b, '\n'))
}
