package main

import (
	"time"

	"github.com/raftlab/raftlab/scenarios/realproc"
)

// measurement is one row run against one cluster.
type measurement struct {
	Flavor realproc.Flavor `json:"flavor"`
	Row    string          `json:"row"`
	Run    int             `json:"run"`

	OpsPerSecond float64 `json:"opsPerSecond"`
	Answered     uint64  `json:"answered"`
	Errors       uint64  `json:"errors"`
	P50          float64 `json:"p50Ms"`
	P99          float64 `json:"p99Ms"`
	P999         float64 `json:"p999Ms"`

	// MemberCPU is each member's CPU time (user + system) over the run, in member order; Leader
	// is the index of the member that led when the run began.
	MemberCPU []time.Duration `json:"memberCPU"`
	Leader    int             `json:"leader"`
	// LeaderChanged says another member led when the run ended.
	LeaderChanged bool `json:"leaderChanged,omitempty"`
	// ClientCPU is the load generator's CPU time (its whole process).
	ClientCPU time.Duration `json:"clientCPU"`

	// ByRole is the latency of the clients on the leader and on the followers: a follower
	// forwards its clients' writes to the leader and answers once it learns of the commit, so
	// its clients make the tail. Absent when the run had no clients there (PUT, 1 client).
	OnLeader    *roleLatency `json:"onLeader,omitempty"`
	OnFollowers *roleLatency `json:"onFollowers,omitempty"`
}

// roleLatency is the p50 and p99 (ms) of the clients on one role's members; for the followers,
// the higher figure of the two.
type roleLatency struct {
	P50 float64 `json:"p50Ms"`
	P99 float64 `json:"p99Ms"`
}

// fromEndpoints fills ByRole from kvctl's per-endpoint figures; urls are the members' client URLs
// in member order.
func (m *measurement) fromEndpoints(r benchReport, urls []string) {
	for i, u := range urls {
		p50, ok50 := r.endpointLatency(u, "p50")
		p99, ok99 := r.endpointLatency(u, "p99")
		if !ok50 || !ok99 {
			continue
		}
		if i == m.Leader {
			m.OnLeader = &roleLatency{P50: p50, P99: p99}
			continue
		}
		if m.OnFollowers == nil {
			m.OnFollowers = &roleLatency{}
		}
		m.OnFollowers.P50, m.OnFollowers.P99 = max(m.OnFollowers.P50, p50), max(m.OnFollowers.P99, p99)
	}
}

// serverCPU is the three members' CPU time together.
func (m measurement) serverCPU() time.Duration {
	var sum time.Duration
	for _, d := range m.MemberCPU {
		sum += d
	}
	return sum
}

// perOp divides a CPU time by the answered operations.
func (m measurement) perOp(d time.Duration) time.Duration {
	if m.Answered == 0 {
		return 0
	}
	return d / time.Duration(m.Answered)
}

// cpuPerOp is the members' CPU per answered operation.
func (m measurement) cpuPerOp() time.Duration { return m.perOp(m.serverCPU()) }

// leaderCPUPerOp is the leader's share of cpuPerOp.
func (m measurement) leaderCPUPerOp() time.Duration {
	if m.Leader < 0 || m.Leader >= len(m.MemberCPU) {
		return 0
	}
	return m.perOp(m.MemberCPU[m.Leader])
}

// fromReport fills the load figures from kvctl's report.
func (m *measurement) fromReport(r benchReport) {
	m.OpsPerSecond, m.Answered, m.Errors = r.OpsPerSecond, r.Answered, r.Errors
	m.P50, m.P99, m.P999 = r.latency("p50"), r.latency("p99"), r.latency("p99.9")
}
