package httpapi

import (
	"cmp"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/raftlab/raftlab/core/store"
)

// metrics are the handler's counters, exposed at /metrics in the Prometheus text format under
// etcd's names: the v2 keys API's etcd_http_* families, counted as etcd's keys handler counts
// them, and the etcd_server_* families of leadership and proposals.
type metrics struct {
	mu        sync.Mutex
	received  map[string]uint64     // keys requests parsed and allowed (watches left out), by method
	failed    map[failedKey]uint64  // keys requests the server failed, by method and status
	durations map[string]*Histogram // keys requests served (watches left out), by method

	proposalsPending atomic.Int64
	proposalsFailed  atomic.Uint64
	leaderChanges    atomic.Uint64
}

// failedKey labels one etcd_http_failed_total counter.
type failedKey struct {
	method string
	code   int
}

// latencyBounds are the upper bounds of etcd_http_successful_duration_seconds' buckets, etcd's:
// 0.5 ms doubling 13 times.
var latencyBounds = func() []float64 {
	b := make([]float64, 13)
	for i := range b {
		b[i] = 0.0005 * float64(uint64(1)<<i)
	}
	return b
}()

func newMetrics() *metrics {
	return &metrics{received: map[string]uint64{}, failed: map[failedKey]uint64{}, durations: map[string]*Histogram{}}
}

// keysMethod is etcd's method label of a keys request: a quorum GET is "QGET".
func keysMethod(method string, quorum bool) string {
	if method == http.MethodGet && quorum {
		return "QGET"
	}
	return method
}

// countReceived counts a keys request that was parsed and allowed; etcd leaves watches out.
func (m *metrics) countReceived(method string) {
	m.mu.Lock()
	m.received[method]++
	m.mu.Unlock()
}

// countOutcome counts how a keys request ended: an error status as a failure, a success (of a
// request that is no watch) with its duration. A request that wrote no status counts nothing.
func (m *metrics) countOutcome(method string, watch bool, code int, took time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	switch {
	case code >= http.StatusBadRequest:
		m.failed[failedKey{method, code}]++
	case code != 0 && !watch:
		h := m.durations[method]
		if h == nil {
			h = NewHistogram(latencyBounds)
			m.durations[method] = h
		}
		h.Observe(took)
	}
}

// countProposal counts a write's end: a write that failed to commit (timeout, no leader,
// stopped...) is a failed proposal; one the store applied, even to refuse it, is not.
func (m *metrics) countProposal(err error) {
	var se *store.Error
	if err != nil && !errors.As(err, &se) {
		m.proposalsFailed.Add(1)
	}
}

// countKeysOutcome is deferred by serveKeys: it counts the request's end from the status the
// router's recorder saw.
func (h *handler) countKeysOutcome(w http.ResponseWriter, method string, watch bool, start time.Time) {
	code := 0
	if rec, ok := w.(*statusRecorder); ok {
		code = rec.code
	}
	h.metrics.countOutcome(method, watch, code, h.cfg.Clock().Sub(start))
}

// serveMetrics is /metrics; like etcd's it answers every method.
func (h *handler) serveMetrics(w http.ResponseWriter, _ *http.Request) {
	st := h.status()
	changes := h.metrics.leaderChanges.Load()
	if c, ok := h.backend.(LeaderChangeCounter); ok {
		changes = c.LeaderChanges()
	}
	var b strings.Builder
	if d, ok := h.backend.(DiskMetrics); ok {
		writeDisk(&b, d)
	}
	h.metrics.writeHTTP(&b)
	family := func(name, kind, help, labels string, v float64) {
		fmt.Fprintf(&b, "# HELP %s %s\n# TYPE %s %s\n%s%s %s\n", name, help, name, kind, name, labels, formatFloat(v))
	}
	family("etcd_server_has_leader", "gauge", "Whether this member knows a leader (1) or not (0).", "", boolGauge(st.Lead != 0))
	family("etcd_server_id", "gauge", "The member's ID, in its label; always 1.", `{server_id="`+strconv.FormatUint(st.ID, 16)+`"}`, 1)
	family("etcd_server_is_leader", "gauge", "Whether this member is the leader (1) or not (0).", "", boolGauge(st.Lead != 0 && st.Lead == st.ID))
	family("etcd_server_leader_changes_seen_total", "counter", "Leader changes this member saw.", "", float64(changes))
	family("etcd_server_proposals_applied_total", "gauge", "The Raft index this member has applied.", "", float64(st.Applied))
	family("etcd_server_proposals_committed_total", "gauge", "The Raft index this member knows committed.", "", float64(st.Commit))
	family("etcd_server_proposals_failed_total", "counter", "Writes submitted here that failed to commit.", "", float64(h.metrics.proposalsFailed.Load()))
	family("etcd_server_proposals_pending", "gauge", "Writes submitted here and not yet done.", "", float64(h.metrics.proposalsPending.Load()))
	family("etcd_server_version", "gauge", "The server version, in its label; always 1.", `{server_version="`+h.cfg.Version+`"}`, 1)
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	_, _ = w.Write([]byte(b.String()))
}

// writeHTTP writes the etcd_http_* families, each sorted by its labels as Prometheus sorts them
// (families with no sample yet are left out, as Prometheus leaves them out).
func (m *metrics) writeHTTP(b *strings.Builder) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.failed) > 0 {
		b.WriteString("# HELP etcd_http_failed_total Keys requests the server failed, by method and HTTP status.\n# TYPE etcd_http_failed_total counter\n")
		keys := make([]failedKey, 0, len(m.failed))
		for k := range m.failed {
			keys = append(keys, k)
		}
		slices.SortFunc(keys, func(a, b failedKey) int {
			return cmp.Or(cmp.Compare(strconv.Itoa(a.code), strconv.Itoa(b.code)), cmp.Compare(a.method, b.method))
		})
		for _, k := range keys {
			fmt.Fprintf(b, "etcd_http_failed_total{code=\"%d\",method=\"%s\"} %d\n", k.code, k.method, m.failed[k])
		}
	}
	if len(m.received) > 0 {
		b.WriteString("# HELP etcd_http_received_total Keys requests parsed and allowed (watches left out), by method.\n# TYPE etcd_http_received_total counter\n")
		for _, method := range sortedKeys(m.received) {
			fmt.Fprintf(b, "etcd_http_received_total{method=\"%s\"} %d\n", method, m.received[method])
		}
	}
	if len(m.durations) > 0 {
		b.WriteString("# HELP etcd_http_successful_duration_seconds Time taken to serve keys requests (watches left out), by method.\n# TYPE etcd_http_successful_duration_seconds histogram\n")
		for _, method := range sortedKeys(m.durations) {
			m.durations[method].writeSeries(b, "etcd_http_successful_duration_seconds", `method="`+method+`"`)
		}
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// formatFloat writes a sample value as Prometheus does.
func formatFloat(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

func boolGauge(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
