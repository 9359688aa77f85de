package realproc

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"
)

// pollEvery is how often the readiness and leader checks poll.
const pollEvery = 20 * time.Millisecond

// requestTimeout bounds one status request.
const requestTimeout = time.Second

// WaitReady waits until every running member serves clients and the cluster has settled: each
// answers /health with 200, lists every member of the cluster in /v2/members with its name and
// client URLs (so every member has published itself), and has a decided cluster version. A member
// found down is an error, as is ctx ending (the error then says what was still missing).
func (c *Cluster) WaitReady(ctx context.Context) error {
	var last error
	for {
		err := c.ready(ctx)
		if err == nil {
			return nil
		}
		if errors.Is(err, errMemberDown) {
			return err
		}
		last = err
		select {
		case <-ctx.Done():
			return fmt.Errorf("realproc: %s cluster not ready: %w (last: %w)", c.cfg.Flavor, ctx.Err(), last)
		case <-time.After(pollEvery):
		}
	}
}

var errMemberDown = errors.New("member is down")

// ready checks every running member once.
func (c *Cluster) ready(ctx context.Context) error {
	running := 0
	for _, m := range c.current() {
		if m.Crashed() {
			return fmt.Errorf("realproc: %s exited (see %s): %w", m.Name, m.LogPath, errMemberDown)
		}
		if m.State() != Running {
			continue
		}
		running++
		if err := c.memberReady(ctx, m); err != nil {
			if m.Crashed() {
				return fmt.Errorf("realproc: %s exited (see %s): %w", m.Name, m.LogPath, errMemberDown)
			}
			return fmt.Errorf("%s: %w", m.Name, err)
		}
	}
	if running == 0 {
		return fmt.Errorf("realproc: no member runs: %w", errMemberDown)
	}
	return nil
}

// memberReady checks one member's health, published members and cluster version.
func (c *Cluster) memberReady(ctx context.Context, m *Member) error {
	if _, err := getOK(ctx, m.ClientURL+"/health"); err != nil {
		return err
	}
	var members struct {
		Members []struct {
			Name       string   `json:"name"`
			ClientURLs []string `json:"clientURLs"`
		} `json:"members"`
	}
	if err := getJSON(ctx, m.ClientURL+"/v2/members", &members); err != nil {
		return err
	}
	published := map[string]bool{}
	for _, mem := range members.Members {
		published[mem.Name] = len(mem.ClientURLs) > 0
	}
	for _, other := range c.current() {
		if !published[other.Name] {
			return fmt.Errorf("/v2/members does not list %s with its client URLs yet", other.Name)
		}
	}
	var version struct {
		Cluster string `json:"etcdcluster"`
	}
	if err := getJSON(ctx, m.ClientURL+"/version", &version); err != nil {
		return err
	}
	if version.Cluster == "" || version.Cluster == "not_decided" {
		return errors.New("cluster version not decided yet")
	}
	return nil
}

// SelfStats is the part of a member's /v2/stats/self that says who it is and whom it follows.
type SelfStats struct {
	ID     uint64
	State  string // StateLeader, StateFollower, ...
	Leader uint64
}

// Self reads a member's /v2/stats/self.
func Self(ctx context.Context, m *Member) (SelfStats, error) {
	var raw struct {
		ID         string `json:"id"`
		State      string `json:"state"`
		LeaderInfo struct {
			Leader string `json:"leader"`
		} `json:"leaderInfo"`
	}
	if err := getJSON(ctx, m.ClientURL+"/v2/stats/self", &raw); err != nil {
		return SelfStats{}, err
	}
	id, err := strconv.ParseUint(raw.ID, 16, 64)
	if err != nil {
		return SelfStats{}, fmt.Errorf("realproc: %s: stats/self id %q: %w", m.Name, raw.ID, err)
	}
	lead, _ := strconv.ParseUint(raw.LeaderInfo.Leader, 16, 64) // empty while there is none
	return SelfStats{ID: id, State: raw.State, Leader: lead}, nil
}

// Leader waits until the running members agree on a leader (it says StateLeader and every other
// running member follows it) and returns it.
func (c *Cluster) Leader(ctx context.Context) (*Member, error) {
	var last error
	for {
		leader, err := c.agreedLeader(ctx)
		if err == nil {
			return leader, nil
		}
		last = err
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("realproc: %s: no agreed leader: %w (last: %w)", c.cfg.Flavor, ctx.Err(), last)
		case <-time.After(pollEvery):
		}
	}
}

func (c *Cluster) agreedLeader(ctx context.Context) (*Member, error) {
	var leader *Member
	var leaderID uint64
	follows := map[uint64]int{}
	running := 0
	for _, m := range c.current() {
		if m.State() != Running {
			continue
		}
		running++
		self, err := Self(ctx, m)
		if err != nil {
			return nil, err
		}
		follows[self.Leader]++
		if self.State == "StateLeader" {
			if leader != nil {
				return nil, fmt.Errorf("both %s and %s say they lead", leader.Name, m.Name)
			}
			leader, leaderID = m, self.ID
		}
	}
	if leader == nil {
		return nil, errors.New("no member says it leads")
	}
	if follows[leaderID] != running {
		return nil, fmt.Errorf("not every member follows %s yet", leader.Name)
	}
	return leader, nil
}

// getOK fetches url and returns the body of a 200 answer.
func getOK(ctx context.Context, url string) ([]byte, error) {
	body, _, err := httpGet(ctx, url)
	return body, err
}

// httpGet fetches url (within requestTimeout) and returns the body and headers of a 200 answer.
func httpGet(ctx context.Context, url string) ([]byte, http.Header, error) {
	ctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
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
		return nil, nil, fmt.Errorf("GET %s: %w", url, err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, nil, &statusError{url: url, status: resp.StatusCode}
	}
	return body, resp.Header, nil
}

// statusError is an answer other than 200 OK.
type statusError struct {
	url    string
	status int
}

func (e *statusError) Error() string {
	return fmt.Sprintf("GET %s: %d %s", e.url, e.status, http.StatusText(e.status))
}

// getJSON fetches url and decodes a 200 answer into v.
func getJSON(ctx context.Context, url string, v any) error {
	body, err := getOK(ctx, url)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(body, v); err != nil {
		return fmt.Errorf("GET %s: %w", url, err)
	}
	return nil
}
