package realcluster

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// statusTimeout bounds one status request (a paused member never answers).
const statusTimeout = 500 * time.Millisecond

// Status is what a member says about itself: /v2/stats/self for its role and leader, and the
// X-Raft-Term / X-Raft-Index headers of a local read for its term and commit index.
type Status struct {
	// Role is leader, follower, candidate or pre-candidate.
	Role string
	// Leader is the member this one follows ("" when it knows none).
	Leader string
	Term   uint64
	// Commit is the Raft commit index (internal entries included).
	Commit uint64
}

// selfStats is the part of /v2/stats/self the lab reads.
type selfStats struct {
	id     uint64
	state  string
	leader uint64
}

// fetchSelf reads a member's /v2/stats/self.
func fetchSelf(clientURL string) (selfStats, error) {
	ctx, cancel := context.WithTimeout(context.Background(), statusTimeout)
	defer cancel()
	body, _, err := httpGet(ctx, clientURL+"/v2/stats/self")
	if err != nil {
		return selfStats{}, err
	}
	var raw struct {
		ID         string `json:"id"`
		State      string `json:"state"`
		LeaderInfo struct {
			Leader string `json:"leader"`
		} `json:"leaderInfo"`
	}
	if err := json.Unmarshal(body, &raw); err != nil {
		return selfStats{}, fmt.Errorf("stats/self: %w", err)
	}
	id, err := strconv.ParseUint(raw.ID, 16, 64)
	if err != nil {
		return selfStats{}, fmt.Errorf("stats/self id %q: %w", raw.ID, err)
	}
	lead, err := strconv.ParseUint(raw.LeaderInfo.Leader, 16, 64)
	if err != nil {
		return selfStats{}, fmt.Errorf("stats/self leader %q: %w", raw.LeaderInfo.Leader, err)
	}
	return selfStats{id: id, state: raw.State, leader: lead}, nil
}

// httpGet fetches url and returns the body of a 200 answer with its headers.
func httpGet(ctx context.Context, url string) ([]byte, http.Header, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, nil, fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	return body, resp.Header, nil
}

// roleName turns etcd's "StateLeader" into the lab's "leader".
func roleName(state string) string {
	switch state {
	case "StateLeader":
		return "leader"
	case "StateCandidate":
		return "candidate"
	case "StatePreCandidate":
		return "pre-candidate"
	default:
		return "follower"
	}
}

// Status asks a running member about itself. A down or paused member is not asked.
func (c *Cluster) Status(name string) (Status, error) {
	p, err := c.proc(name)
	if err != nil {
		return Status{}, err
	}
	if st := p.state(); st != StateRunning {
		return Status{}, fmt.Errorf("realcluster: %s is %s", name, st)
	}
	self, err := fetchSelf(p.clientURL)
	if err != nil {
		return Status{}, fmt.Errorf("realcluster: %s: %w", name, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), statusTimeout)
	defer cancel()
	_, hdr, err := httpGet(ctx, p.clientURL+"/v2/keys/")
	if err != nil {
		return Status{}, fmt.Errorf("realcluster: %s: %w", name, err)
	}
	st := Status{Role: roleName(self.state), Leader: c.net.memberName(self.leader)}
	if st.Term, err = strconv.ParseUint(strings.TrimSpace(hdr.Get("X-Raft-Term")), 10, 64); err != nil {
		return Status{}, fmt.Errorf("realcluster: %s: X-Raft-Term: %w", name, err)
	}
	if st.Commit, err = strconv.ParseUint(strings.TrimSpace(hdr.Get("X-Raft-Index")), 10, 64); err != nil {
		return Status{}, fmt.Errorf("realcluster: %s: X-Raft-Index: %w", name, err)
	}
	return st, nil
}
