package httpapi

import (
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/raftlab/raftlab/core/node"
	"github.com/raftlab/raftlab/core/raft"
)

func TestWrongMethodsAnswer405WithAllow(t *testing.T) {
	h, _ := newTestHandler(t)
	for _, tc := range []struct{ method, target, allow string }{
		{"PATCH", "/v2/keys/a", "HEAD,GET,PUT,POST,DELETE"},
		{"PATCH", "/v2/members", "GET,POST,DELETE,PUT"},
		{"POST", "/v2/stats/self", "GET"},
		{"PUT", "/v2/stats/leader", "GET"},
		{"DELETE", "/v2/stats/store", "GET"},
		{"POST", "/version", "GET"},
		{"POST", "/health", "GET"},
		{"POST", "/v2/machines", "GET,HEAD"},
		{"POST", "/v2/auth/enable", "GET,PUT,DELETE"},
	} {
		rec := mustServe(t, h, tc.method, tc.target, "", http.StatusMethodNotAllowed)
		assert.Equal(t, tc.allow, rec.Header().Get("Allow"), tc.target)
		assert.Equal(t, "Method Not Allowed\n", rec.Body.String())
		assert.Equal(t, "text/plain; charset=utf-8", rec.Header().Get("Content-Type"))
	}
}

func TestCORSOptionsAndNotFound(t *testing.T) {
	h, _ := newTestHandler(t)
	for _, target := range []string{"/v2/keys/a", "/nowhere", "/v2/members"} {
		rec := mustServe(t, h, http.MethodOptions, target, "", http.StatusOK)
		assert.Empty(t, rec.Body.String())
		assert.Equal(t, "*", rec.Header().Get("Access-Control-Allow-Origin"))
		assert.Equal(t, "POST, GET, OPTIONS, PUT, DELETE", rec.Header().Get("Access-Control-Allow-Methods"))
		assert.Equal(t, "accept, content-type, authorization", rec.Header().Get("Access-Control-Allow-Headers"))
	}
	rec := mustServe(t, h, http.MethodGet, "/v2/nothing", "", http.StatusNotFound)
	assert.Equal(t, "404 page not found\n", rec.Body.String())
	assert.Equal(t, "*", rec.Header().Get("Access-Control-Allow-Origin"))
	mustServe(t, h, http.MethodGet, "/v2/stats/self/", "", http.StatusNotFound)
}

func TestClusterIDHeaderOnlyOnKeysAndMembers(t *testing.T) {
	h, _ := newTestHandler(t)
	for target, want := range map[string]bool{
		"/v2/keys/": true, "/v2/members": true, "/v2/stats/self": false, "/v2/stats/store": false,
		"/version": false, "/health": false, "/v2/machines": false,
	} {
		rec := serve(h, http.MethodGet, target, "")
		assert.Equal(t, want, rec.Header().Get("X-Etcd-Cluster-Id") != "", target)
	}
}

func TestStatsEndpoints(t *testing.T) {
	h, b := newTestHandler(t)
	start := time.Date(2026, 11, 24, 6, 0, 0, 0, time.UTC)
	b.self = SelfStats{Name: "default", ID: 0x9e737febb6b99eee, Role: raft.RoleLeader, StartTime: start,
		Leader: 0x9e737febb6b99eee, LeaderStartTime: start, SendAppendRequestCnt: 7, SendPkgRate: 2.5}
	rec := mustServe(t, h, http.MethodGet, "/v2/stats/self", "", http.StatusOK)
	assert.Equal(t, `{"name":"default","id":"9e737febb6b99eee","state":"StateLeader","startTime":"2026-11-24T06:00:00Z","leaderInfo":{"leader":"9e737febb6b99eee","uptime":"`+testNow.Sub(start).String()+`","startTime":"2026-11-24T06:00:00Z"},"recvAppendRequestCnt":0,"sendAppendRequestCnt":7,"sendPkgRate":2.5}`, rec.Body.String())
	assert.Equal(t, "application/json", rec.Header().Get("Content-Type"))

	rec = mustServe(t, h, http.MethodGet, "/v2/stats/leader", "", http.StatusForbidden)
	assert.Equal(t, `{"message":"not current leader"}`, rec.Body.String())
	b.leader = &LeaderStats{Leader: 0x9e737febb6b99eee, Followers: map[uint64]FollowerStats{
		0xb: {Latency: LatencyStats{Current: 1.5, Average: 1, StandardDeviation: 0.5, Minimum: 0.5, Maximum: 2}, Counts: CountsStats{Fail: 1, Success: 9}},
		0xa: {},
	}}
	rec = mustServe(t, h, http.MethodGet, "/v2/stats/leader", "", http.StatusOK)
	assert.Equal(t, `{"leader":"9e737febb6b99eee","followers":{"a":{"latency":{"current":0,"average":0,"standardDeviation":0,"minimum":0,"maximum":0},"counts":{"fail":0,"success":0}},"b":{"latency":{"current":1.5,"average":1,"standardDeviation":0.5,"minimum":0.5,"maximum":2},"counts":{"fail":1,"success":9}}}}`, rec.Body.String())

	mustServe(t, h, http.MethodPut, "/v2/keys/a", "value=1", http.StatusCreated)
	mustServe(t, h, http.MethodGet, "/v2/keys/missing", "", http.StatusNotFound)
	rec = mustServe(t, h, http.MethodGet, "/v2/stats/store", "", http.StatusOK)
	// getsFail 3: the missing key, and each request's read of whether auth is enabled (not found),
	// which etcd counts too.
	assert.Equal(t, `{"getsSuccess":0,"getsFail":3,"setsSuccess":1,"setsFail":0,"deleteSuccess":0,"deleteFail":0,"updateSuccess":0,"updateFail":0,"createSuccess":0,"createFail":0,"compareAndSwapSuccess":0,"compareAndSwapFail":0,"compareAndDeleteSuccess":0,"compareAndDeleteFail":0,"expireCount":0,"watchers":0}`, rec.Body.String())
}

func TestVersionHealthMachinesAuth(t *testing.T) {
	h, b := newTestHandler(t)
	rec := mustServe(t, h, http.MethodGet, "/version", "", http.StatusOK)
	assert.Equal(t, `{"etcdserver":"3.5.33","etcdcluster":"3.5.0"}`, rec.Body.String())

	rec = mustServe(t, h, http.MethodGet, "/health", "", http.StatusOK)
	assert.Equal(t, `{"health":"true","reason":""}`, rec.Body.String())
	assert.Equal(t, "text/plain; charset=utf-8", rec.Header().Get("Content-Type"))
	b.setLead(0)
	rec = mustServe(t, h, http.MethodGet, "/health", "", http.StatusServiceUnavailable)
	assert.Equal(t, `{"health":"false","reason":"RAFT NO LEADER"}`+"\n", rec.Body.String())
	assert.Equal(t, "text/plain; charset=utf-8", rec.Header().Get("Content-Type"))
	mustServe(t, h, http.MethodGet, "/health?serializable=true", "", http.StatusOK)
	b.failed = node.ErrStorage
	rec = mustServe(t, h, http.MethodGet, "/health?serializable=true", "", http.StatusServiceUnavailable)
	assert.Equal(t, `{"health":"false","reason":"STORAGE FAILED"}`+"\n", rec.Body.String())

	b.members = append(b.members, node.Member{ID: 1, ClientURLs: []string{"http://127.0.0.1:1", "http://127.0.0.1:0"}})
	rec = mustServe(t, h, http.MethodGet, "/v2/machines", "", http.StatusOK)
	assert.Equal(t, "http://127.0.0.1:0, http://127.0.0.1:1, http://127.0.0.1:22379", rec.Body.String())
	rec = mustServe(t, h, http.MethodHead, "/v2/machines", "", http.StatusOK)
	assert.Empty(t, rec.Body.String())

	rec = mustServe(t, h, http.MethodGet, "/v2/auth/enable", "", http.StatusOK)
	assert.Equal(t, `{"enabled":false}`+"\n", rec.Body.String())
	rec = mustServe(t, h, http.MethodPut, "/v2/auth/enable", "", http.StatusConflict)
	assert.Equal(t, `{"message":"auth: No root user available, please create one"}`, rec.Body.String())
}

// TestMetrics: /metrics serves etcd's v2 families under etcd's names, counted as etcd's keys
// handler counts them: requests parsed and allowed by method (a quorum GET is QGET, watches left
// out), failures by method and status, successes' durations; and the server's leadership and
// proposal gauges.
func TestMetrics(t *testing.T) {
	h, b := newTestHandler(t)
	mustServe(t, h, http.MethodPut, "/v2/keys/a", "value=1", http.StatusCreated)
	mustServe(t, h, http.MethodPut, "/v2/keys/a?prevValue=x", "value=1", http.StatusPreconditionFailed)
	mustServe(t, h, http.MethodGet, "/v2/keys/a", "", http.StatusOK)
	mustServe(t, h, http.MethodGet, "/v2/keys/a?quorum=true", "", http.StatusOK)
	mustServe(t, h, http.MethodGet, "/v2/keys/a?wait=true&waitIndex=1", "", http.StatusOK)
	mustServe(t, h, http.MethodGet, "/v2/keys/a?recursive=bad", "", http.StatusBadRequest) // not parsed: not counted
	b.failWith = node.ErrTimeout
	mustServe(t, h, http.MethodPut, "/v2/keys/a", "value=2", http.StatusInternalServerError)
	b.setLead(0)
	rec := mustServe(t, h, http.MethodPut, "/metrics", "", http.StatusOK)
	lines := strings.Split(rec.Body.String(), "\n")
	assert.Equal(t, "text/plain; version=0.0.4; charset=utf-8", rec.Header().Get("Content-Type"))
	for _, line := range []string{
		"# TYPE etcd_http_received_total counter",
		`etcd_http_received_total{method="GET"} 1`,
		`etcd_http_received_total{method="QGET"} 1`,
		`etcd_http_received_total{method="PUT"} 3`,
		"# TYPE etcd_http_failed_total counter",
		`etcd_http_failed_total{code="412",method="PUT"} 1`,
		`etcd_http_failed_total{code="500",method="PUT"} 1`,
		"# TYPE etcd_http_successful_duration_seconds histogram",
		`etcd_http_successful_duration_seconds_bucket{method="GET",le="0.0005"} 1`,
		`etcd_http_successful_duration_seconds_bucket{method="GET",le="2.048"} 1`,
		`etcd_http_successful_duration_seconds_bucket{method="GET",le="+Inf"} 1`,
		`etcd_http_successful_duration_seconds_count{method="GET"} 1`,
		`etcd_http_successful_duration_seconds_count{method="PUT"} 1`,
		"# TYPE etcd_server_proposals_committed_total gauge",
		"etcd_server_proposals_failed_total 1",
		"etcd_server_proposals_pending 0",
		"etcd_server_leader_changes_seen_total 1",
		"etcd_server_has_leader 0",
		"etcd_server_is_leader 0",
		`etcd_server_version{server_version="3.5.33"} 1`,
	} {
		assert.Contains(t, lines, line)
	}
	b.setLead(7)
	body := mustServe(t, h, http.MethodGet, "/metrics", "", http.StatusOK).Body.String()
	assert.Contains(t, body, "etcd_server_leader_changes_seen_total 2\n")
	assert.Contains(t, body, "etcd_server_has_leader 1\n")
	assert.Contains(t, body, `etcd_http_received_total{method="GET"} 1`+"\n", "a scrape is no keys request")
}

// countingBackend counts leader changes itself.
type countingBackend struct {
	*fakeBackend
	changes uint64
}

func (c countingBackend) LeaderChanges() uint64 { return c.changes }

func TestMetricsPreferTheBackendsLeaderChangeCount(t *testing.T) {
	h := New(Config{Backend: countingBackend{fakeBackend: newFakeBackend(), changes: 42}})
	body := mustServe(t, h, http.MethodGet, "/metrics", "", http.StatusOK).Body.String()
	assert.Contains(t, body, "etcd_server_leader_changes_seen_total 42\n")
}

func TestConfigurableVersionAuthDisableAndLogging(t *testing.T) {
	var logs strings.Builder
	b := newFakeBackend()
	h := New(Config{Backend: b, Version: "9.9.9", ClusterVersion: "9.9.0",
		Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	rec := mustServe(t, h, http.MethodGet, "/version", "", http.StatusOK)
	assert.Equal(t, `{"etcdserver":"9.9.9","etcdcluster":"9.9.0"}`, rec.Body.String())

	rec = mustServe(t, h, http.MethodDelete, "/v2/auth/enable", "", http.StatusConflict)
	assert.Equal(t, `{"message":"auth: already disabled"}`, rec.Body.String())

	b.failWith = node.ErrNoLeader
	mustServe(t, h, http.MethodPut, "/v2/keys/a", "value=1", http.StatusInternalServerError)
	assert.Contains(t, logs.String(), node.ErrNoLeader.Error(), "internal errors are logged")
}
