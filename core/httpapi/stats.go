package httpapi

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/raftlab/raftlab/core/raft"
)

// selfStatsJSON is /v2/stats/self in etcd's field order.
type selfStatsJSON struct {
	Name                 string         `json:"name"`
	ID                   string         `json:"id"`
	State                string         `json:"state"`
	StartTime            time.Time      `json:"startTime"`
	LeaderInfo           leaderInfoJSON `json:"leaderInfo"`
	RecvAppendRequestCnt uint64         `json:"recvAppendRequestCnt"`
	RecvPkgRate          float64        `json:"recvPkgRate,omitempty"`
	RecvBandwidthRate    float64        `json:"recvBandwidthRate,omitempty"`
	SendAppendRequestCnt uint64         `json:"sendAppendRequestCnt"`
	SendPkgRate          float64        `json:"sendPkgRate,omitempty"`
	SendBandwidthRate    float64        `json:"sendBandwidthRate,omitempty"`
}

type leaderInfoJSON struct {
	Leader    string    `json:"leader"`
	Uptime    string    `json:"uptime"`
	StartTime time.Time `json:"startTime"`
}

// leaderStatsJSON is /v2/stats/leader; map keys marshal sorted.
type leaderStatsJSON struct {
	Leader    string                   `json:"leader"`
	Followers map[string]FollowerStats `json:"followers"`
}

// stateName is etcd's raft.StateType text for a role.
func stateName(r raft.Role) string {
	switch r {
	case raft.RoleLeader:
		return "StateLeader"
	case raft.RoleCandidate:
		return "StateCandidate"
	case raft.RolePreCandidate:
		return "StatePreCandidate"
	default:
		return "StateFollower"
	}
}

func hexID(id uint64) string { return strconv.FormatUint(id, 16) }

func (h *handler) serveSelfStats(w http.ResponseWriter, r *http.Request) {
	if !allowMethod(w, r.Method, http.MethodGet) {
		return
	}
	s := h.backend.SelfStats()
	out := selfStatsJSON{
		Name:      s.Name,
		ID:        hexID(s.ID),
		State:     stateName(s.Role),
		StartTime: s.StartTime,
		LeaderInfo: leaderInfoJSON{
			Leader:    hexID(s.Leader),
			Uptime:    h.cfg.Clock().Sub(s.LeaderStartTime).String(),
			StartTime: s.LeaderStartTime,
		},
		RecvAppendRequestCnt: s.RecvAppendRequestCnt,
		RecvPkgRate:          s.RecvPkgRate,
		RecvBandwidthRate:    s.RecvBandwidthRate,
		SendAppendRequestCnt: s.SendAppendRequestCnt,
		SendPkgRate:          s.SendPkgRate,
		SendBandwidthRate:    s.SendBandwidthRate,
	}
	h.writeJSONOrLog(w, out)
}

func (h *handler) serveLeaderStats(w http.ResponseWriter, r *http.Request) {
	if !allowMethod(w, r.Method, http.MethodGet) {
		return
	}
	s, ok := h.backend.LeaderStats()
	if !ok {
		writeHTTPError(w, http.StatusForbidden, "not current leader")
		return
	}
	out := leaderStatsJSON{Leader: hexID(s.Leader), Followers: make(map[string]FollowerStats, len(s.Followers))}
	for id, f := range s.Followers {
		out.Followers[hexID(id)] = f
	}
	h.writeJSONOrLog(w, out)
}

func (h *handler) serveStoreStats(w http.ResponseWriter, r *http.Request) {
	if !allowMethod(w, r.Method, http.MethodGet) {
		return
	}
	h.writeJSONOrLog(w, h.backend.StoreStats())
}

// writeJSONOrLog writes v with no trailing newline; a value that cannot be marshalled (a NaN rate)
// is logged and answered with 500.
func (h *handler) writeJSONOrLog(w http.ResponseWriter, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		h.cfg.Logger.Warn("httpapi: cannot marshal stats", "err", err)
		writeHTTPError(w, http.StatusInternalServerError, "Internal Server Error")
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(b)
}

// storeGetCounter may be implemented by a Backend whose store keeps /v2/stats/store (core/server
// does): CountGet counts a get there.
type storeGetCounter interface {
	CountGet(ok bool)
}

// countAuthFlagRead counts the get etcd makes, once per keys request and per membership change,
// of its auth flag, which it keeps in its v2 store (failed until auth was first set up), so that
// /v2/stats/store moves as etcd's does for the same requests. The other reads of kvd's auth
// records (users and roles while auth is enabled, a watch checking its permission again) count
// nothing.
func (h *handler) countAuthFlagRead() {
	c, ok := h.backend.(storeGetCounter)
	if !ok || !h.auth.supported() {
		return
	}
	if fr, ok := h.auth.reader.(authFlagReader); ok {
		fr.AuthFlag(true)
		return
	}
	_, err := h.auth.value(authEnabledPath)
	c.CountGet(err == nil)
}
