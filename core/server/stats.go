package server

import (
	"net/url"
	"sync"
	"time"

	"github.com/raftlab/raftlab/core/httpapi"
	"github.com/raftlab/raftlab/core/raft"
)

// peerStats counts the append traffic /v2/stats/self and /v2/stats/leader show.
type peerStats struct {
	mu              sync.Mutex
	recvAppend      uint64
	sendAppend      uint64
	leader          uint64
	leaderStartTime time.Time
	// appendResults counts each follower's append answers: [0] rejected, [1] accepted.
	appendResults map[uint64]*[2]uint64
}

func newPeerStats() *peerStats {
	return &peerStats{appendResults: make(map[uint64]*[2]uint64)}
}

func (p *peerStats) received(m raft.Message) {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch m.Type {
	case raft.MsgApp:
		p.recvAppend++
	case raft.MsgAppResp:
		c, ok := p.appendResults[m.From]
		if !ok {
			c = new([2]uint64)
			p.appendResults[m.From] = c
		}
		if m.Reject {
			c[0]++
		} else {
			c[1]++
		}
	}
}

func (p *peerStats) sent(ms []raft.Message) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, m := range ms {
		if m.Type == raft.MsgApp {
			p.sendAppend++
		}
	}
}

func (p *peerStats) leaderChanged(lead uint64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.leader = lead
	p.leaderStartTime = time.Now()
}

// SelfStats are this member's /v2/stats/self figures.
func (s *Server) SelfStats() httpapi.SelfStats {
	st := s.Status()
	self := s.Self()
	s.stats.mu.Lock()
	defer s.stats.mu.Unlock()
	out := httpapi.SelfStats{
		Name: self.Name, ID: self.ID, Role: st.Role, StartTime: s.startTime,
		Leader: st.Lead, RecvAppendRequestCnt: s.stats.recvAppend, SendAppendRequestCnt: s.stats.sendAppend,
	}
	if st.Lead != 0 && st.Lead == s.stats.leader {
		out.LeaderStartTime = s.stats.leaderStartTime
	}
	return out
}

// LeaderStats are the leader's figures about its followers; false on a non-leader.
func (s *Server) LeaderStats() (httpapi.LeaderStats, bool) {
	st := s.Status()
	if st.Role != raft.RoleLeader {
		return httpapi.LeaderStats{}, false
	}
	traffic := s.tr.Stats()
	s.stats.mu.Lock()
	defer s.stats.mu.Unlock()
	out := httpapi.LeaderStats{Leader: st.ID, Followers: make(map[uint64]httpapi.FollowerStats)}
	for _, m := range st.Members {
		if m.ID == st.ID {
			continue
		}
		var fs httpapi.FollowerStats
		if c, ok := s.stats.appendResults[m.ID]; ok {
			fs.Counts = httpapi.CountsStats{Fail: c[0], Success: c[1]}
		}
		// The stream handshake's round trip is the latency figure this member measures.
		ms := float64(traffic[m.ID].HandshakeRTT) / float64(time.Millisecond)
		fs.Latency = httpapi.LatencyStats{Current: ms, Average: ms, Minimum: ms, Maximum: ms}
		out.Followers[m.ID] = fs
	}
	return out, true
}

// hostPort is the host:port of a peer URL (the URL itself if it does not parse).
func hostPort(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return raw
	}
	return u.Host
}
