package httpapi

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/raftlab/raftlab/core/node"
	"github.com/raftlab/raftlab/core/raft"
	"github.com/raftlab/raftlab/core/store"
)

// testNow is the fixed clock of every test.
var testNow = time.Date(2026, 11, 24, 6, 13, 42, 448668960, time.UTC)

const testClusterID = 0xc8730d66636ff140

// fakeBackend is a single member over a real store.Store: writes are applied directly.
type fakeBackend struct {
	mu       sync.Mutex
	st       *store.Store
	lead     uint64
	term     uint64
	commit   uint64
	members  []node.Member
	removed  map[uint64]bool
	failWith error // when set, Do answers every request with this error in the reply
	requests []node.Request
	leader   *LeaderStats
	self     SelfStats
	failed   error
	// ignoreCtx makes Do ignore a done context (the fuzz target cancels every request up front so
	// that watches return at once).
	ignoreCtx bool
}

func newFakeBackend() *fakeBackend {
	return &fakeBackend{
		st:   store.New(),
		lead: 0x9e737febb6b99eee, term: 2, commit: 10,
		members: []node.Member{{ID: 0x9e737febb6b99eee, Name: "default",
			PeerURLs: []string{"http://127.0.0.1:22380"}, ClientURLs: []string{"http://127.0.0.1:22379"}}},
		removed: map[uint64]bool{},
	}
}

func (f *fakeBackend) Do(ctx context.Context, req node.Request) (node.Reply, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := ctx.Err(); err != nil && !f.ignoreCtx {
		return node.Reply{}, err
	}
	f.requests = append(f.requests, req)
	f.commit++
	rep := node.Reply{ID: req.ID, RaftIndex: f.commit, RaftTerm: f.term}
	if f.failWith != nil {
		rep.Err = f.failWith
		return rep, nil
	}
	switch req.Kind {
	case node.KindWrite:
		rep.Event, rep.Err = f.st.Apply(req.Write)
	case node.KindInternal:
		rep.Event, rep.Err = f.st.ApplyInternal(req.Write)
	case node.KindQuorumGet:
		rep.Event, rep.Err = f.st.Get(req.Key, req.Recursive, req.Sorted, req.Now)
	case node.KindMemberAdd:
		rep.Err = f.addMember(req.Member)
		if rep.Err == nil {
			m := req.Member
			rep.Member = &m
		}
	case node.KindMemberRemove:
		rep.Err = f.removeMember(req.MemberID)
	case node.KindMemberUpdate:
		rep.Err = f.updateMember(req.MemberID, req.Member.PeerURLs)
	}
	if rep.Err == nil {
		rep.EtcdIndex = f.st.Index()
	}
	return rep, nil
}

func (f *fakeBackend) indexOf(id uint64) int {
	return slices.IndexFunc(f.members, func(m node.Member) bool { return m.ID == id })
}

func (f *fakeBackend) urlOwner(urls []string) uint64 {
	for _, m := range f.members {
		for _, u := range m.PeerURLs {
			if slices.Contains(urls, u) {
				return m.ID
			}
		}
	}
	return 0
}

func (f *fakeBackend) addMember(m node.Member) error {
	switch {
	case f.removed[m.ID]:
		return node.ErrIDRemoved
	case f.indexOf(m.ID) >= 0:
		return node.ErrIDExists
	case f.urlOwner(m.PeerURLs) != 0:
		return node.ErrPeerURLExists
	}
	f.members = append(f.members, m)
	return nil
}

func (f *fakeBackend) removeMember(id uint64) error {
	if f.removed[id] {
		return node.ErrIDRemoved
	}
	i := f.indexOf(id)
	if i < 0 {
		return node.ErrIDNotFound
	}
	f.members = slices.Delete(f.members, i, i+1)
	f.removed[id] = true
	return nil
}

func (f *fakeBackend) updateMember(id uint64, urls []string) error {
	i := f.indexOf(id)
	if i < 0 {
		return node.ErrIDNotFound
	}
	if owner := f.urlOwner(urls); owner != 0 && owner != id {
		return node.ErrPeerURLExists
	}
	f.members[i].PeerURLs = urls
	return nil
}

func (f *fakeBackend) Get(key string, recursive, sorted bool, now int64) (*store.Event, error) {
	return f.st.Get(key, recursive, sorted, now)
}

func (f *fakeBackend) GetInternal(path string, recursive bool) (*store.Event, error) {
	return f.st.GetInternal(path, recursive)
}

func (f *fakeBackend) Watch(key string, recursive, stream bool, since uint64) (*store.Watcher, error) {
	return f.st.Watch(key, recursive, stream, since)
}

func (f *fakeBackend) Status() node.Status {
	f.mu.Lock()
	defer f.mu.Unlock()
	return node.Status{ID: 0x9e737febb6b99eee, Term: f.term, Lead: f.lead, Role: raft.RoleLeader,
		Commit: f.commit, EtcdIndex: f.st.Index(), Members: slices.Clone(f.members), Failed: f.failed}
}

func (f *fakeBackend) ClusterID() uint64       { return testClusterID }
func (f *fakeBackend) Self() node.Member       { return f.members[0] }
func (f *fakeBackend) StoreStats() store.Stats { return f.st.Stats() }
func (f *fakeBackend) SelfStats() SelfStats    { return f.self }
func (f *fakeBackend) LeaderStats() (LeaderStats, bool) {
	if f.leader == nil {
		return LeaderStats{}, false
	}
	return *f.leader, true
}

// setLead changes the leader under the lock.
func (f *fakeBackend) setLead(id uint64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.lead = id
}

// lastRequest is the last request Do received.
func (f *fakeBackend) lastRequest(t testing.TB) node.Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	require.NotEmpty(t, f.requests)
	return f.requests[len(f.requests)-1]
}

// newTestHandler returns a handler over a fresh fake backend with the fixed clock.
func newTestHandler(t testing.TB) (http.Handler, *fakeBackend) {
	t.Helper()
	b := newFakeBackend()
	return New(Config{Backend: b, Clock: func() time.Time { return testNow }}), b
}

// serve sends one request; a non-empty body is sent form-encoded.
func serve(h http.Handler, method, target, body string) *httptest.ResponseRecorder {
	var req *http.Request
	if body != "" {
		req = httptest.NewRequest(method, target, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	} else {
		req = httptest.NewRequest(method, target, nil)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// serveJSON sends a request with a body of the given content type.
func serveJSON(h http.Handler, method, target, contentType, body string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, target, strings.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// mustServe sends a request and requires the status.
func mustServe(t testing.TB, h http.Handler, method, target, body string, status int) *httptest.ResponseRecorder {
	t.Helper()
	rec := serve(h, method, target, body)
	require.Equal(t, status, rec.Code, "%s %s %s: %s", method, target, body, rec.Body.String())
	return rec
}
