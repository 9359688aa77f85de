package httpapi

import (
	"cmp"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/raftlab/raftlab/core/store"
)

// requestKey labels one request counter.
type requestKey struct {
	method string
	code   int
}

// metrics are the handler's counters, exposed at /metrics in the Prometheus text format.
type metrics struct {
	mu                 sync.Mutex
	requests           map[requestKey]uint64
	proposalsCommitted atomic.Uint64
	proposalsFailed    atomic.Uint64
	leaderChanges      atomic.Uint64
}

func newMetrics() *metrics { return &metrics{requests: map[requestKey]uint64{}} }

// countRequest counts one served request. Unknown methods share one label so that clients cannot
// grow the label set.
func (m *metrics) countRequest(method string, code int) {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPut, http.MethodPost, http.MethodDelete, http.MethodOptions:
	default:
		method = "OTHER"
	}
	m.mu.Lock()
	m.requests[requestKey{method, code}]++
	m.mu.Unlock()
}

// countProposal counts a write's outcome: applied (even when the store refused it) or failed to
// commit (timeout, no leader, stopped...).
func (m *metrics) countProposal(err error) {
	var se *store.Error
	if err == nil || errors.As(err, &se) {
		m.proposalsCommitted.Add(1)
	} else {
		m.proposalsFailed.Add(1)
	}
}

// requestCounts returns the request counters sorted by method, then code.
func (m *metrics) requestCounts() ([]requestKey, []uint64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	keys := make([]requestKey, 0, len(m.requests))
	for k := range m.requests {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b requestKey) int {
		return cmp.Or(strings.Compare(a.method, b.method), cmp.Compare(a.code, b.code))
	})
	counts := make([]uint64, len(keys))
	for i, k := range keys {
		counts[i] = m.requests[k]
	}
	return keys, counts
}

// serveMetrics is /metrics.
func (h *handler) serveMetrics(w http.ResponseWriter, r *http.Request) {
	if !allowMethod(w, r.Method, http.MethodGet) {
		return
	}
	st := h.status()
	changes := h.metrics.leaderChanges.Load()
	if c, ok := h.backend.(LeaderChangeCounter); ok {
		changes = c.LeaderChanges()
	}
	hasLeader := 0
	if st.Lead != 0 {
		hasLeader = 1
	}
	var b strings.Builder
	b.WriteString("# HELP etcd_http_requests_total Client HTTP requests served, by method and status code.\n")
	b.WriteString("# TYPE etcd_http_requests_total counter\n")
	keys, counts := h.metrics.requestCounts()
	for i, k := range keys {
		fmt.Fprintf(&b, "etcd_http_requests_total{code=\"%d\",method=\"%s\"} %d\n", k.code, k.method, counts[i])
	}
	gauge := func(name, kind, help string, v uint64) {
		fmt.Fprintf(&b, "# HELP %s %s\n# TYPE %s %s\n%s %d\n", name, help, name, kind, name, v)
	}
	gauge("etcd_server_proposals_committed_total", "counter", "Writes submitted here that were applied.", h.metrics.proposalsCommitted.Load())
	gauge("etcd_server_proposals_failed_total", "counter", "Writes submitted here that failed to commit.", h.metrics.proposalsFailed.Load())
	gauge("etcd_server_leader_changes_seen_total", "counter", "Leader changes seen.", changes)
	gauge("etcd_server_has_leader", "gauge", "Whether a leader exists (1) or not (0).", uint64(hasLeader))
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	_, _ = w.Write([]byte(b.String()))
}
