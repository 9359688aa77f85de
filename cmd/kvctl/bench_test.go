package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// benchReport is the -o json report as a test reads it.
type benchReport struct {
	Workload     string                       `json:"workload"`
	Clients      int                          `json:"clients"`
	Conns        int                          `json:"conns"`
	Endpoints    []string                     `json:"endpoints"`
	Seconds      float64                      `json:"seconds"`
	Answered     uint64                       `json:"answered"`
	OK           uint64                       `json:"ok"`
	Misses       uint64                       `json:"misses"`
	Errors       uint64                       `json:"errors"`
	Refreshes    uint64                       `json:"refreshes"`
	OpsPerSecond float64                      `json:"opsPerSecond"`
	LatencyMs    map[string]string            `json:"latencyMs"`
	Histogram    []benchJSONBin               `json:"histogram"`
	ErrorKinds   map[string]uint64            `json:"errorKinds"`
	Interrupted  bool                         `json:"interrupted"`
	ByEndpoint   map[string]map[string]string `json:"byEndpoint"`
}

// benchJSONRun runs `kvctl -o json bench args...` against the harness and decodes the report.
func (h *harness) benchJSONRun(t *testing.T, args ...string) (benchReport, result) {
	t.Helper()
	r := h.run(t, "", append([]string{"-o", "json", "bench", "--progress", "0"}, args...)...)
	var rep benchReport
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &rep), "stdout %q stderr %q", r.stdout, r.stderr)
	return rep, r
}

func TestBenchPutSpreadsOverEndpointsWithKeepAlive(t *testing.T) {
	// The member serves three doors: the first for the sync, and it publishes the other two.
	h := newClusterHarness(t, clusterSpec{doors: 3, advertise: func(_ int, doors []string) []string { return doors[1:] }})
	first, second := h.cluster.members[0].doors[1], h.cluster.members[0].doors[2]
	before := h.index(t)

	r := h.run(t, "", "bench", "put", "--clients", "4", "--conns", "2", "--total", "200", "--val-size", "32", "--key-space", "50")
	require.Equal(t, 0, r.code, r.stderr)

	assert.Equal(t, before+200, h.index(t), "every put was a write")
	assert.Equal(t, 200, first.count("PUT")+second.count("PUT"))
	assert.Positive(t, first.count("PUT"), "the first endpoint got load")
	assert.Positive(t, second.count("PUT"), "the second endpoint got load")
	assert.Equal(t, 1, first.connections(), "one keep-alive connection per endpoint")
	assert.Equal(t, 1, second.connections(), "one keep-alive connection per endpoint")

	for _, want := range []string{"Summary (put):", "4 over 2 connections to 2 endpoints", "200 answered (200 ok, 0 not found or compare failed), 0 errors",
		"Throughput:", "p50", "p90", "p99", "p99.9", "max", "Histogram (ms):", "∎"} {
		assert.Contains(t, r.stdout, want)
	}
	assert.NotContains(t, r.stdout, "Errors:")
	assert.Regexp(t, `put: 200/200 ops, \d+ ops/s, 0 errors, [0-9.]+s\s+\n$`, r.stderr, "final progress line")

	keys := strings.Fields(h.mustRun(t, "--no-sync", "--endpoints", first.URL(), "ls", "/bench"))
	require.NotEmpty(t, keys)
	assert.LessOrEqual(t, len(keys), 50, "keys stay in --key-space")
	got := h.mustRun(t, "--no-sync", "--endpoints", first.URL(), "get", keys[0])
	assert.Len(t, strings.TrimSuffix(got, "\n"), 32, "values have --val-size bytes")
}

func TestBenchLatencyByEndpoint(t *testing.T) {
	h := newClusterHarness(t, clusterSpec{doors: 3, advertise: func(_ int, doors []string) []string { return doors[1:] }})
	first, second := h.cluster.members[0].doors[1], h.cluster.members[0].doors[2]
	addr := func(u string) string { return strings.TrimPrefix(u, "http://") }

	r := h.run(t, "", "bench", "put", "--clients", "4", "--total", "120", "--val-size", "8", "--progress", "0")
	require.Equal(t, 0, r.code, r.stderr)
	table := r.stdout[strings.Index(r.stdout, "Latency by endpoint (ms):"):]
	require.NotEqual(t, -1, strings.Index(r.stdout, "Latency by endpoint (ms):"), r.stdout)
	for _, door := range []*door{first, second} {
		assert.Regexp(t, fmt.Sprintf(`(?m)^  %s\s+%d(\s+[0-9]+\.[0-9]{3}){4}$`, regexp.QuoteMeta(addr(door.URL())), door.count("PUT")), table,
			"a row per endpoint with the operations it answered and four percentiles")
	}

	rep, res := h.benchJSONRun(t, "put", "--clients", "4", "--total", "90", "--val-size", "8")
	require.Equal(t, 0, res.code, res.stderr)
	require.Len(t, rep.ByEndpoint, 2)
	total := 0
	for _, door := range []*door{first, second} {
		q := rep.ByEndpoint[addr(door.URL())]
		require.NotNil(t, q, "endpoint %s", door.URL())
		var n int
		_, err := fmt.Sscan(q["count"], &n)
		require.NoError(t, err)
		assert.Positive(t, n)
		total += n
		for _, p := range []string{"p50", "p90", "p99", "p99.9"} {
			assert.Regexp(t, `^[0-9]+\.[0-9]{3}$`, q[p], "%s of %s", p, door.URL())
		}
	}
	assert.Equal(t, 90, total, "every answered operation counts at the endpoint that answered it")
}

func TestBenchLatencyByEndpointOnlyWithSeveral(t *testing.T) {
	h := newClusterHarness(t, clusterSpec{doors: 2, advertise: func(_ int, doors []string) []string { return doors[1:] }})
	r := h.run(t, "", "bench", "put", "--clients", "2", "--total", "20", "--progress", "0")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stdout, "Latency (ms):")
	assert.NotContains(t, r.stdout, "Latency by endpoint", "one endpoint: the overall figures are its own")
}

func TestBenchReads(t *testing.T) {
	tests := []struct {
		workload  string
		prefill   bool
		wantQuery string
	}{
		{"get", true, ""},
		{"qget", true, "?quorum=true"},
		{"get", false, ""},
		{"qget", false, "?quorum=true"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s prefill=%v", tt.workload, tt.prefill), func(t *testing.T) {
			h := newHarness(t)
			args := []string{tt.workload, "--total", "40", "--key-space", "8", "--clients", "2"}
			if tt.prefill {
				args = append(args, "--prefill")
			}
			rep, r := h.benchJSONRun(t, args...)
			require.Equal(t, 0, r.code, r.stderr)
			assert.Equal(t, uint64(40), rep.Answered)
			assert.Zero(t, rep.Errors)
			if tt.prefill {
				assert.Equal(t, uint64(40), rep.OK, "every key exists after the prefill")
				assert.Len(t, h.requestsMatching("PUT /v2/keys/bench/"), 8, "the prefill writes each key once")
				assert.Contains(t, r.stderr, "prefill: 8/8 ops")
			} else {
				assert.Equal(t, uint64(40), rep.Misses, "no key exists: all not found")
			}
			gets := h.requestsMatching("GET /v2/keys/bench/")
			require.Len(t, gets, 40)
			for _, g := range gets {
				assert.Regexp(t, `^GET /v2/keys/bench/[0-7]`+strings.ReplaceAll(tt.wantQuery, "?", `\?`)+`$`, g)
			}
			for _, p := range []string{"p50", "p90", "p99", "p99.9", "max"} {
				assert.Contains(t, rep.LatencyMs, p)
			}
		})
	}
}

func TestBenchCAS(t *testing.T) {
	h := newHarness(t)
	before := h.index(t)
	rep, r := h.benchJSONRun(t, "cas", "--prefill", "--key-space", "5", "--clients", "3", "--total", "60")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, uint64(60), rep.Answered)
	assert.Zero(t, rep.Errors)
	assert.Positive(t, rep.OK, "some swaps succeed")
	assert.Positive(t, rep.Misses, "a client's first compare on a key fails (it does not know the index)")
	assert.Equal(t, rep.Misses, rep.Refreshes, "every failed compare is followed by one refresh read")
	assert.Equal(t, before+5+rep.OK, h.index(t), "the prefill and each successful swap wrote once")
	assert.NotEmpty(t, h.requestsMatching("PUT /v2/keys/bench/"), "swaps are PUTs")

	var conditional, creates int
	for _, req := range h.requestsMatching("PUT /v2/keys/bench/") {
		switch {
		case strings.Contains(req, "?prevIndex="):
			conditional++
		case strings.HasSuffix(req, "?prevExist=false"):
			creates++
		}
	}
	assert.Equal(t, uint64(conditional+creates), rep.Answered, "every swap is conditional")
	assert.Positive(t, conditional)
	assert.LessOrEqual(t, creates, 3*5, "a client creates a key only while it knows nothing of it")
}

func TestBenchMixedReadPercent(t *testing.T) {
	tests := []struct {
		readPercent      string
		wantGet, wantPut bool
	}{
		{"0", false, true},
		{"100", true, false},
		{"50", true, true},
	}
	for _, tt := range tests {
		t.Run(tt.readPercent, func(t *testing.T) {
			h := newHarness(t)
			rep, r := h.benchJSONRun(t, "mixed", "--read-percent", tt.readPercent, "--total", "60", "--key-space", "4")
			require.Equal(t, 0, r.code, r.stderr)
			gets, puts := len(h.requestsMatching("GET /v2/keys/bench/")), len(h.requestsMatching("PUT /v2/keys/bench/"))
			assert.Equal(t, 60, gets+puts)
			assert.Equal(t, tt.wantGet, gets > 0, "gets %d", gets)
			assert.Equal(t, tt.wantPut, puts > 0, "puts %d", puts)
			assert.Equal(t, uint64(60), rep.Answered)
		})
	}
}

func TestBenchDurationAndRate(t *testing.T) {
	h := newHarness(t)
	const rate, seconds, clients = 200.0, 0.25, 2
	rep, r := h.benchJSONRun(t, "put", "--duration", "250ms", "--rate", "200", "--clients", "2")
	require.Equal(t, 0, r.code, r.stderr)
	assert.GreaterOrEqual(t, rep.Seconds, seconds, "runs for the duration")
	assert.Positive(t, rep.Answered)
	assert.LessOrEqual(t, float64(rep.Answered), rate*seconds+clients, "the rate limit holds")
	assert.Equal(t, int(rep.Answered), len(h.requestsMatching("PUT /v2/keys/bench/")))
}

func TestBenchErrors(t *testing.T) {
	t.Run("server errors", func(t *testing.T) {
		h := newHarness(t)
		r := h.runRaw(t, "", "--no-sync", "--endpoints", noLeaderStub(t).URL(), "bench", "put", "--total", "5", "--progress", "0")
		assert.Equal(t, 1, r.code)
		assert.Contains(t, r.stdout, "0 answered (0 ok, 0 not found or compare failed), 5 errors")
		assert.Regexp(t, `HTTP 5\d\d: 5 \(first: PUT /v2/keys/bench/\d+\)`, r.stdout)
		assert.Contains(t, r.stderr, "5 errors")
	})
	t.Run("unreachable endpoint", func(t *testing.T) {
		h := newHarness(t)
		r := h.runRaw(t, "", "--endpoints", deadEndpoint(t), "bench", "put", "--total", "3")
		assert.Equal(t, 2, r.code, "the sync already finds no cluster")
		assert.Empty(t, r.stdout)
		assert.Contains(t, r.stderr, "connection refused")
	})
	t.Run("unreachable endpoint without sync", func(t *testing.T) {
		h := newHarness(t)
		r := h.runRaw(t, "", "--no-sync", "--endpoints", deadEndpoint(t), "-o", "json", "bench", "put", "--total", "3", "--progress", "0")
		assert.Equal(t, 1, r.code)
		var rep benchReport
		require.NoError(t, json.Unmarshal([]byte(r.stdout), &rep))
		assert.Equal(t, map[string]uint64{"connection refused": 3}, rep.ErrorKinds)
		assert.Empty(t, rep.Histogram, "failed operations have no latency")
	})
}

func TestBenchAuth(t *testing.T) {
	h := newHarness(t)
	h.requireAuth(t, "secret")
	r := h.run(t, "", "--no-sync", "bench", "put", "--total", "3", "--progress", "0")
	assert.Equal(t, 1, r.code, "without credentials the writes are refused")
	assert.Contains(t, r.stdout, "HTTP 401: 3")
	r = h.run(t, "", "--no-sync", "--username", "root:secret", "bench", "put", "--total", "3", "--progress", "0")
	assert.Equal(t, 0, r.code, r.stdout)
}

func TestBenchBadArgs(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{nil, "one workload required: put, get, qget, cas, mixed"},
		{[]string{"put", "get"}, "one workload required"},
		{[]string{"delete"}, `unknown workload "delete"`},
		{[]string{"put", "--clients", "0"}, "--clients must be at least 1, got 0"},
		{[]string{"put", "--conns", "-1"}, "--conns must not be negative"},
		{[]string{"put", "--val-size", "-1"}, "--val-size must not be negative"},
		{[]string{"put", "--key-space", "0"}, "--key-space must be at least 1"},
		{[]string{"put", "--total", "5", "--duration", "1s"}, "give --total or --duration, not both"},
		{[]string{"put", "--total", "-5"}, "must not be negative"},
		{[]string{"put", "--rate", "-1"}, "--rate must not be negative"},
		{[]string{"mixed", "--read-percent", "101"}, "--read-percent must be between 0 and 100"},
		{[]string{"put", "--request-timeout", "0s"}, "--request-timeout must be positive"},
		{[]string{"put", "--prefix", "/a b"}, `--prefix "/a b": only letters`},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			h := newHarness(t)
			r := h.run(t, "", append([]string{"bench"}, tt.args...)...)
			assert.Equal(t, 128, r.code)
			assert.Contains(t, r.stderr, tt.want)
			assert.Empty(t, h.requests(), "bad arguments send nothing")
		})
	}
	// A flag that does not parse is a usage error, as for every command: help and exit 1.
	h := newHarness(t)
	r := h.run(t, "", "bench", "put", "--clients", "many")
	assert.Equal(t, 1, r.code)
	assert.Equal(t, "invalid value \"many\" for flag -clients: parse error\n", r.stderr)
	assert.True(t, strings.HasPrefix(r.stdout, "Incorrect Usage: invalid value"), r.stdout)
	assert.Empty(t, h.requests())
}

func TestBenchPrefix(t *testing.T) {
	for _, in := range []string{"load", "/load", "load/", "/load/"} {
		got, err := benchPrefix(in)
		require.NoError(t, err)
		assert.Equal(t, "/load/", got, in)
	}
	h := newHarness(t)
	h.mustRun(t, "bench", "put", "--prefix", "other/dir", "--total", "2", "--key-space", "1", "--progress", "0")
	assert.Len(t, h.requestsMatching("PUT /v2/keys/other/dir/0"), 2)
}

func TestBenchInterruptedReportsWhatWasDone(t *testing.T) {
	h := newHarness(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errOut bytes.Buffer
	done := make(chan int, 1)
	before := h.index(t)
	go func() {
		done <- runContext(ctx, []string{"--endpoints", h.srv.URL, "-o", "json", "bench", "put", "--duration", "1m", "--progress", "0"},
			strings.NewReader(""), &out, &errOut, h.getenv)
	}()
	require.Eventually(t, func() bool { return h.index(t) >= before+20 }, testWait, time.Millisecond, "no load")
	cancel()
	code := h.await(t, done, []string{"bench"})
	assert.Equal(t, 0, code, errOut.String())
	var rep benchReport
	require.NoError(t, json.Unmarshal(out.Bytes(), &rep), out.String())
	assert.True(t, rep.Interrupted)
	assert.Equal(t, h.index(t)-before, rep.OK, "the report counts exactly the writes done")
	assert.Less(t, rep.Seconds, 60.0)
}
