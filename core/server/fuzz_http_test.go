package server

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/raftlab/raftlab/core/httpapi"
	"github.com/raftlab/raftlab/core/node"
	"github.com/raftlab/raftlab/core/store"
)

// Memory bounds of FuzzClusterHTTP, for the whole process (three members and the fuzzer).
const (
	// fuzzMemoryLimit is the Go memory limit the process runs under.
	fuzzMemoryLimit = 1 << 30
	// fuzzHeapSlack is how much the live heap may grow over one input beyond fuzzGrowthPerByte
	// for each byte of the input: the three members keep what it wrote (tree, history, log).
	fuzzHeapSlack     = 64 << 20
	fuzzGrowthPerByte = 16
	// fuzzHeapCeiling is the live heap past which the cluster is replaced by a fresh one. What a
	// member keeps follows its data plus bounded budgets (watch history, request results, log,
	// snapshot: see core/node's doc), but the inputs' data accumulates; a long run replaces the
	// cluster to keep measuring inputs against a small one.
	fuzzHeapCeiling = 256 << 20
	// fuzzRestartEvery inputs, one member (in turn) is stopped and started again: it replays its
	// log and snapshot, which must hold whatever the inputs wrote.
	fuzzRestartEvery = 25
)

// FuzzClusterHTTP sends any method, path, query and body to the HTTP API of one member of an
// in-process 3-member cluster (real sockets, real files, snapshots every 64 entries), and after
// each input checks: no panic, no 5xx but the documented ones, a live heap that grew at most in
// proportion to the input, and a cluster that still commits a sentinel write through one member
// and serves it to a quorum read through another. Every fuzzRestartEvery inputs a member restarts.
func FuzzClusterHTTP(f *testing.F) {
	for _, s := range largeSeeds() {
		f.Add(s.member, s.method, s.target, s.body)
	}
	old := debug.SetMemoryLimit(fuzzMemoryLimit)
	f.Cleanup(func() { debug.SetMemoryLimit(old) })
	h := newFuzzHarness(f)
	f.Fuzz(func(t *testing.T, member uint8, method, target, body string) {
		h.input(t, int(member)%3, method, target, body)
	})
}

// fuzzSeed is one input of FuzzClusterHTTP.
type fuzzSeed struct {
	member               uint8
	method, target, body string
}

// largeSeeds are the worst requests, too large for files in testdata: the longest and deepest
// keys, the largest values, the deep key, and the same just past each limit.
func largeSeeds() []fuzzSeed {
	deep := strings.Repeat("/a", store.MaxKeyBytes/2)
	value := func(n int) string { return "value=" + strings.Repeat("v", n) }
	return []fuzzSeed{
		{0, http.MethodPut, "/v2/keys/" + strings.Repeat("k", store.MaxKeyBytes-1), "value=x"},
		{1, http.MethodPut, "/v2/keys" + deep, "value=x"},
		{2, http.MethodPut, "/v2/keys" + deep + "/a", "value=x"},
		{0, http.MethodPut, "/v2/keys" + strings.Repeat("/ab", 20000), "value=x"},
		{1, http.MethodGet, "/v2/keys/?recursive=true", ""},
		{2, http.MethodPut, "/v2/keys/big", value(node.DefaultMaxRequestBytes - len("/big"))},
		{0, http.MethodPut, "/v2/keys/big", value(1_572_694)},
		{1, http.MethodPut, "/v2/keys/big?prevValue=" + strings.Repeat("p", 200), value(node.DefaultMaxRequestBytes - 100)},
		{2, http.MethodPost, "/v2/keys" + deep[:store.MaxKeyBytes-22], "value=x"},
		{0, http.MethodPut, "/v2/keys/form", "value=x&" + strings.Repeat("f=&", 10001)},
	}
}

// fuzzHarness is the cluster FuzzClusterHTTP drives, one per fuzzing process.
type fuzzHarness struct {
	f          *testing.F
	dir        string // each generation of the cluster has its data in a directory under it
	generation int
	c          *testCluster
	handlers   []http.Handler
	inputs     int
	ids        []uint64 // the members' IDs: any other member an input added is removed again
}

// newFuzzHarness starts the first cluster; the last one is stopped when f ends.
func newFuzzHarness(f *testing.F) *fuzzHarness {
	h := &fuzzHarness{f: f, dir: f.TempDir()}
	h.build(f)
	f.Cleanup(func() {
		h.c.t = f
		h.c.stopAll()
	})
	return h
}

// build starts a fresh cluster (stopping and deleting the previous one) and fails t if the
// process's live heap does not fall back under half the ceiling: a stopped member must let go of
// everything it held.
func (h *fuzzHarness) build(t testing.TB) {
	if h.c != nil {
		h.c.t = t
		h.c.stopAll()
		if err := os.RemoveAll(h.c.dir); err != nil {
			t.Fatalf("remove the old cluster: %v", err)
		}
	}
	h.generation++
	h.c = startTestCluster(t, filepath.Join(h.dir, strconv.Itoa(h.generation)), 3,
		func(cfg *Config) { cfg.SnapshotCount = 64 })
	h.c.leader()
	h.handlers = make([]http.Handler, 3)
	h.ids = h.ids[:0]
	for i, s := range h.c.servers {
		h.handlers[i] = httpapi.New(httpapi.Config{Backend: s, Logger: quietLogger()})
		h.ids = append(h.ids, s.ID())
	}
	if heap := liveHeap(); heap > fuzzHeapCeiling/2 {
		t.Fatalf("%d MiB of live heap remain after the cluster was replaced", heap>>20)
	}
}

// input runs one input and checks the invariants.
func (h *fuzzHarness) input(t *testing.T, member int, method, target, body string) {
	req, ok := fuzzRequest(method, target, body)
	if !ok {
		return // Go's server answers 400 itself before any handler runs
	}
	h.c.t = t // the cluster's helpers fail this input, not the fuzz target
	defer func() { h.c.t = h.f }()
	before := liveHeap()
	rec := serveFuzz(h.handlers[member], req)
	if rec.Code >= 500 && !documented5xx(req, rec) {
		t.Fatalf("%s %.200q (%d-byte body): %d %.300s", method, target, len(body), rec.Code, rec.Body.String())
	}
	h.inputs++
	h.removeAddedMembers(t)
	if h.inputs%fuzzRestartEvery == 0 {
		i := h.inputs / fuzzRestartEvery % 3
		h.c.stop(i)
		h.c.start(i)
		h.handlers[i] = httpapi.New(httpapi.Config{Backend: h.c.servers[i], Logger: quietLogger()})
	}
	h.settle(t, h.sentinel(t, member))
	after := liveHeap()
	if bound := before + fuzzHeapSlack + uint64(fuzzGrowthPerByte*(len(target)+len(body))); after > bound {
		t.Fatalf("%s %.200q (%d-byte body): live heap grew from %d to %d MiB", method, target, len(body), before>>20, after>>20)
	}
	if after > fuzzHeapCeiling {
		h.build(t)
	}
}

// fuzzRequest builds the request a client would send, or false when Go's server would refuse it
// before the handler (a method that is not a token, a target that is not a request URI).
func fuzzRequest(method, target, body string) (*http.Request, bool) {
	if method == "" || strings.ContainsFunc(method, func(r rune) bool { return r <= ' ' || r >= 0x7f || strings.ContainsRune(`()<>@,;:\"/[]?={}`, r) }) {
		return nil, false
	}
	u, err := url.ParseRequestURI(target)
	if err != nil || !strings.HasPrefix(target, "/") {
		return nil, false
	}
	req := httptest.NewRequest(http.MethodGet, "/", strings.NewReader(body))
	req.Method, req.URL, req.RequestURI = method, u, target
	req.ContentLength = int64(len(body))
	ct := "application/x-www-form-urlencoded"
	if strings.HasPrefix(body, "{") {
		ct = "application/json"
	}
	req.Header.Set("Content-Type", ct)
	return req, true
}

// flushCanceler is a recorder that cancels the request when the handler flushes: a watch flushes
// its headers and then waits for events, which must not hold the fuzzer up.
type flushCanceler struct {
	*httptest.ResponseRecorder
	cancel context.CancelFunc
}

func (w flushCanceler) Flush() {
	w.ResponseRecorder.Flush()
	w.cancel()
}

// serveFuzz serves req with a timeout and returns the response.
func serveFuzz(h http.Handler, req *http.Request) *httptest.ResponseRecorder {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	rec := httptest.NewRecorder()
	h.ServeHTTP(flushCanceler{ResponseRecorder: rec, cancel: cancel}, req.WithContext(ctx))
	return rec
}

// documented5xx reports whether a 5xx answer is one the API documents (ETCD_V2_API.md): a key
// request the node could not complete in time or without a leader, a membership change strict
// reconfiguration refuses, health or a leader query during an election.
func documented5xx(req *http.Request, rec *httptest.ResponseRecorder) bool {
	body := rec.Body.String()
	switch {
	case strings.HasPrefix(req.URL.Path, "/v2/keys"):
		var e struct {
			ErrorCode int    `json:"errorCode"`
			Cause     string `json:"cause"`
		}
		if json.Unmarshal([]byte(body), &e) != nil || e.ErrorCode != store.EcodeRaftInternal {
			return false
		}
		return slices.Contains([]string{node.ErrTimeout.Error(), node.ErrNoLeader.Error(), node.ErrDropped.Error(),
			context.DeadlineExceeded.Error()}, e.Cause)
	case strings.HasPrefix(req.URL.Path, "/v2/members"):
		return body == `{"message":"Internal Server Error"}` || body == `{"message":"During election"}`
	case req.URL.Path == "/health":
		return rec.Code == http.StatusServiceUnavailable
	}
	return false
}

// removeAddedMembers removes any member an input added (POST /v2/members), so that inputs keep
// running against three members that all exist.
func (h *fuzzHarness) removeAddedMembers(t *testing.T) {
	for _, m := range h.c.servers[0].Status().Members {
		if slices.Contains(h.ids, m.ID) {
			continue
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		rep, err := h.c.servers[0].Do(ctx, node.Request{Kind: node.KindMemberRemove, MemberID: m.ID})
		cancel()
		if err == nil {
			err = rep.Err
		}
		if err != nil {
			t.Fatalf("remove member %x that an input added: %v", m.ID, err)
		}
	}
}

// settle waits until every member has applied index, so that the heap is measured without
// entries still on their way to a slow follower.
func (h *fuzzHarness) settle(t *testing.T, index uint64) {
	deadline := time.Now().Add(30 * time.Second)
	for _, s := range h.c.servers {
		for s.Status().Applied < index {
			if time.Now().After(deadline) {
				t.Fatalf("after input %d: member %x applied %d of %d entries in 30 s", h.inputs, s.ID(), s.Status().Applied, index)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
}

// sentinel writes a fresh value through member and reads it back with a quorum read through the
// next member: the cluster still has a leader, commits and serves. An input may have put a file
// or a directory where the sentinel goes: it is cleared first. It returns the write's raft index.
func (h *fuzzHarness) sentinel(t *testing.T, member int) uint64 {
	value := strconv.Itoa(h.inputs)
	write := node.Request{Kind: node.KindWrite, Write: store.Request{Op: store.OpSet, Key: "/_fuzz/sentinel", Value: value}}
	rep, err := h.do(member, write)
	if err == nil && rep.Err != nil {
		reset := node.Request{Kind: node.KindWrite, Write: store.Request{Op: store.OpDelete, Key: "/_fuzz", Dir: true, Recursive: true}}
		_, _ = h.do(member, reset)
		rep, err = h.do(member, write)
	}
	if err == nil {
		err = rep.Err
	}
	if err != nil {
		t.Fatalf("after input %d: sentinel write through member %d: %v", h.inputs, member, err)
	}
	written := rep.RaftIndex
	reader := (member + 1) % 3
	rep, err = h.do(reader, node.Request{Kind: node.KindQuorumGet, Key: "/_fuzz/sentinel"})
	if err == nil {
		err = rep.Err
	}
	if err != nil || rep.Event == nil || rep.Event.Node.Value == nil || *rep.Event.Node.Value != value {
		t.Fatalf("after input %d: quorum read of the sentinel through member %d: %v, %+v", h.inputs, reader, err, rep.Event)
	}
	return written
}

// do sends req to member i and retries while the cluster has no leader or lost the request to a
// leader change (a read forwarded to a leader that just stopped times out after 5 s), for up to
// 30 seconds.
func (h *fuzzHarness) do(i int, req node.Request) (node.Reply, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for {
		rep, err := h.c.servers[i].Do(ctx, req)
		if err == nil && (rep.Err == node.ErrNoLeader || rep.Err == node.ErrDropped || rep.Err == node.ErrTimeout) {
			select {
			case <-ctx.Done():
				return rep, fmt.Errorf("no answer for 30s: %w", rep.Err)
			case <-time.After(20 * time.Millisecond):
				continue
			}
		}
		return rep, err
	}
}

// liveHeap is the heap in use right after a collection.
func liveHeap() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}
