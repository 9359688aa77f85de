package httpapi

import (
	"time"

	"github.com/raftlab/raftlab/core/raft"
)

// SelfStats is what /v2/stats/self shows about this member (ETCD_V2_API.md §10).
type SelfStats struct {
	Name      string
	ID        uint64
	Role      raft.Role
	StartTime time.Time
	// Leader is the current leader's ID (0: none) and LeaderStartTime when this member first saw
	// it lead; the handler computes the uptime from its clock.
	Leader          uint64
	LeaderStartTime time.Time
	// Append-request counters and rates (packets/s, bytes/s); rates of 0 are left out of the JSON.
	RecvAppendRequestCnt uint64
	RecvPkgRate          float64
	RecvBandwidthRate    float64
	SendAppendRequestCnt uint64
	SendPkgRate          float64
	SendBandwidthRate    float64
}

// LeaderStats is what /v2/stats/leader shows on the leader.
type LeaderStats struct {
	Leader    uint64
	Followers map[uint64]FollowerStats
}

// FollowerStats are the leader's figures about one follower.
type FollowerStats struct {
	Latency LatencyStats `json:"latency"`
	Counts  CountsStats  `json:"counts"`
}

// LatencyStats are heartbeat round-trip latencies in milliseconds.
type LatencyStats struct {
	Current           float64 `json:"current"`
	Average           float64 `json:"average"`
	StandardDeviation float64 `json:"standardDeviation"`
	Minimum           float64 `json:"minimum"`
	Maximum           float64 `json:"maximum"`
}

// CountsStats count failed and successful appends to one follower.
type CountsStats struct {
	Fail    uint64 `json:"fail"`
	Success uint64 `json:"success"`
}
