package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/raftlab/raftlab/scenarios/realproc"
)

func TestMedian(t *testing.T) {
	assert.Equal(t, 0.0, median([]float64{}))
	assert.Equal(t, 2.0, median([]float64{3, 1, 2}))
	assert.Equal(t, 2.5, median([]float64{4, 1, 3, 2}))
	assert.Equal(t, 3*time.Millisecond, median([]time.Duration{5 * time.Millisecond, time.Millisecond, 3 * time.Millisecond}))
}

// sample is a measurement with the figures the table reads.
func sample(f realproc.Flavor, rowName string, run int, ops, p50, p99 float64, cpu time.Duration) measurement {
	const answered = 1000
	return measurement{Flavor: f, Row: rowName, Run: run, OpsPerSecond: ops, Answered: answered, P50: p50, P99: p99,
		MemberCPU: []time.Duration{cpu * answered / 2, cpu * answered / 4, cpu * answered / 4}, Leader: 0}
}

func TestTableShowsMediansAndRatios(t *testing.T) {
	ms := []measurement{
		sample(realproc.Etcd, "put64", 1, 8000, 7, 20, 160*time.Microsecond),
		sample(realproc.Etcd, "put64", 2, 9000, 8, 30, 100*time.Microsecond),
		sample(realproc.Etcd, "put64", 3, 1000, 9, 10, 200*time.Microsecond),
		sample(realproc.Kvd, "put64", 1, 12000, 4, 9, 80*time.Microsecond),
		sample(realproc.Kvd, "put64", 2, 16000, 3, 12, 70*time.Microsecond),
		sample(realproc.Kvd, "put64", 3, 14000, 5, 6, 90*time.Microsecond),
	}
	rows, err := parseRows("put64")
	require.NoError(t, err)
	var b bytes.Buffer
	printTable(&b, ms, rows)
	// etcd medians 8,000 ops/s, p50 8, p99 20, 160 µs; kvd 14,000, 4, 9, 80 µs.
	assert.Contains(t, b.String(), "| PUT, 64 clients | 8,000 | 14,000 | 1.75 | 8.00 / 4.00 | 20.00 / 9.00 | 0.45 |")
	assert.Contains(t, b.String(), "| 160 / 80 | 0.50 |")
	assert.Contains(t, b.String(), "| PUT, 64 clients | 80 / 80 / 0 | 40 / 40 / 0 | 0 / 0 |")

	b.Reset()
	printTargets(&b, ms, rows)
	out := b.String()
	assert.Contains(t, out, "CPU per write 0.50 (want ≤ 0.5): met")
	assert.Contains(t, out, "throughput    1.75 (want ≥ 1.5): met")
	assert.Contains(t, out, "p99           0.45 (want ≤ 0.5): met")
	assert.NotContains(t, out, "PUT, 256", "targets of rows not run are left out")
}

func TestTargetNotMet(t *testing.T) {
	ms := []measurement{
		sample(realproc.Etcd, "get64", 1, 30000, 1, 8, 30*time.Microsecond),
		sample(realproc.Kvd, "get64", 1, 36000, 1, 8, 20*time.Microsecond),
	}
	rows, err := parseRows("get64")
	require.NoError(t, err)
	var b bytes.Buffer
	printTargets(&b, ms, rows)
	assert.Contains(t, b.String(), "throughput    1.20 (want ≥ 1.5): NOT met")
}

func TestThousands(t *testing.T) {
	for in, want := range map[float64]string{0: "0", 999.4: "999", 1000: "1,000", 1234567: "1,234,567"} {
		assert.Equal(t, want, thousands(in))
	}
}

func TestParsePerfStat(t *testing.T) {
	in := "# started on Sun\n\n12345,,raw_syscalls:sys_enter,6880110,100.00,,\n7,,syscalls:sys_enter_fdatasync,1,100.00,,\n<not counted>,,syscalls:sys_enter_fsync,0,0,,\n"
	got := parsePerfStat(strings.NewReader(in))
	assert.Equal(t, map[string]float64{"raw_syscalls:sys_enter": 12345, "syscalls:sys_enter_fdatasync": 7}, got)
}

func TestOrderAlternates(t *testing.T) {
	assert.Equal(t, []realproc.Flavor{realproc.Etcd, realproc.Kvd}, order(1))
	assert.Equal(t, []realproc.Flavor{realproc.Kvd, realproc.Etcd}, order(2))
	assert.Equal(t, []realproc.Flavor{realproc.Etcd, realproc.Kvd}, order(3))
}

func TestLoadArgs(t *testing.T) {
	s := loadSpec{endpoints: []string{"http://a", "http://b"}, workload: "put", clients: 64, duration: 8 * time.Second}
	assert.Equal(t, "--no-sync --endpoints http://a,http://b -o json bench put --clients 64 --val-size 256 --key-space 10000 --duration 8s",
		strings.Join(s.args(), " "))
	s = loadSpec{endpoints: []string{"http://a"}, workload: "put", clients: 64, total: 1, prefill: true}
	assert.Contains(t, strings.Join(s.args(), " "), "--total 1 --prefill")
}

func TestParseOptions(t *testing.T) {
	o, err := parseOptions([]string{"-runs", "2", "-rows", "put64", "-kvd-env", "GOGC=100, GOMAXPROCS=1", "-etcd-timer-slack", "4ms"}, &bytes.Buffer{})
	require.NoError(t, err)
	assert.Equal(t, 2, o.runs)
	assert.Equal(t, 4*time.Millisecond, o.etcdTimerSlack)
	assert.Equal(t, 8*time.Second, o.duration)
	assert.Equal(t, []string{"GOGC=100", "GOMAXPROCS=1"}, o.kvdEnv)
	require.Len(t, o.rows, 1)

	for _, bad := range [][]string{{"-kvd-env", "GOGC"}, {"-runs", "0"}, {"-duration", "10ms"}, {"-rows", "nope"}, {"extra"}, {"-etcd-timer-slack", "11ms"}, {"-etcd-timer-slack", "-1ms"}} {
		_, err := parseOptions(bad, &bytes.Buffer{})
		assert.Error(t, err, "%q", bad)
	}
}

func TestFromEndpointsSplitsLeaderAndFollowers(t *testing.T) {
	urls := []string{"http://127.0.0.1:1", "http://127.0.0.1:2", "http://127.0.0.1:3"}
	r := benchReport{ByEndpoint: map[string]map[string]string{
		"127.0.0.1:1": {"p50": "4.500", "p99": "11.000"},
		"127.0.0.1:2": {"p50": "3.000", "p99": "7.000"},
		"127.0.0.1:3": {"p50": "4.700", "p99": "10.000"},
	}}
	m := measurement{Leader: 1}
	m.fromEndpoints(r, urls)
	require.NotNil(t, m.OnLeader)
	require.NotNil(t, m.OnFollowers)
	assert.Equal(t, roleLatency{P50: 3, P99: 7}, *m.OnLeader)
	assert.Equal(t, roleLatency{P50: 4.7, P99: 11}, *m.OnFollowers, "the slower follower's figures, each")

	one := measurement{Leader: 2}
	one.fromEndpoints(benchReport{ByEndpoint: map[string]map[string]string{"127.0.0.1:1": {"p50": "0.800", "p99": "1.400"}}}, urls)
	assert.Nil(t, one.OnLeader, "no client on the leader")
	require.NotNil(t, one.OnFollowers)
	assert.Equal(t, 0.8, one.OnFollowers.P50)
}

func TestTableShowsLatencyByRole(t *testing.T) {
	withRoles := func(m measurement, leader, followers *roleLatency) measurement {
		m.OnLeader, m.OnFollowers = leader, followers
		return m
	}
	ms := []measurement{
		withRoles(sample(realproc.Etcd, "put1", 1, 1000, 1, 2, time.Millisecond), &roleLatency{0.8, 1.5}, nil),
		withRoles(sample(realproc.Etcd, "put1", 2, 1000, 1, 2, time.Millisecond), nil, &roleLatency{1.0, 1.9}),
		withRoles(sample(realproc.Etcd, "put1", 3, 1000, 1, 2, time.Millisecond), nil, &roleLatency{1.2, 2.1}),
		withRoles(sample(realproc.Kvd, "put1", 1, 1000, 1, 2, time.Millisecond), nil, nil),
		withRoles(sample(realproc.Kvd, "put64", 1, 1000, 1, 2, time.Millisecond), &roleLatency{3, 7}, &roleLatency{4.7, 11}),
		withRoles(sample(realproc.Kvd, "put64", 2, 1000, 1, 2, time.Millisecond), &roleLatency{2, 6}, &roleLatency{4.5, 12}),
	}
	rows, err := parseRows("put1,put64")
	require.NoError(t, err)
	var b bytes.Buffer
	printTable(&b, ms, rows)
	out := b.String()
	assert.Contains(t, out, "| PUT, 1 client | 0.80 / 1.50 (1 of 3 runs) | 1.10 / 2.00 (2 of 3 runs) | – | – |")
	assert.Contains(t, out, "| PUT, 64 clients | – | – | 2.50 / 6.50 | 4.60 / 11.50 |")
}
