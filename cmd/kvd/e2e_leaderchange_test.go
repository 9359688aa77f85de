package main

import (
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// leaderChangeRequest is one request sent to a follower around the moment its leader dies.
type leaderChangeRequest struct {
	what    string
	code    int
	elapsed time.Duration
	err     error
}

// leaderChangeRounds is how many times TestRequestsLostToALeaderChangeAreResubmitted kills its leader.
const leaderChangeRounds = 4

// TestRequestsLostToALeaderChangeAreResubmitted kills the leader of a 3-member cluster and restarts it
// at once, a few times, while writes and quorum reads go through the other members every 20 ms. A
// request forwarded to the dying leader is lost with it; the member that forwarded it must submit it
// again once it learns of the next leadership, whether another member won or the restarted leader
// was elected again in a new term (which a member that did not vote for it learns from the leader's
// first append, without ever seeing a term without a leader). No request may wait for the ~5 s
// request timeout.
func TestRequestsLostToALeaderChangeAreResubmitted(t *testing.T) {
	c := startCluster(t, 3)
	client := &http.Client{Timeout: 20 * time.Second}
	var (
		mu      sync.Mutex
		results []leaderChangeRequest
		wg      sync.WaitGroup
	)
	send := func(m *member, key string, write bool) {
		defer wg.Done()
		r := leaderChangeRequest{what: "quorum read " + key}
		begin := time.Now()
		var resp *http.Response
		if write {
			r.what = "write " + key
			req, err := http.NewRequest(http.MethodPut, m.ClientURL+"/v2/keys"+key+"?"+url.Values{"value": {"v"}}.Encode(), nil)
			require.NoError(t, err)
			resp, r.err = client.Do(req)
		} else {
			resp, r.err = client.Get(m.ClientURL + "/v2/keys" + key + "?quorum=true")
		}
		r.elapsed = time.Since(begin)
		if r.err == nil {
			r.code = resp.StatusCode
			_ = resp.Body.Close()
		}
		mu.Lock()
		results = append(results, r)
		mu.Unlock()
	}
	for round := range leaderChangeRounds {
		lead := c.members[c.leaderIndex(t, nil)]
		// Requests leave every 20 ms from 100 ms before the kill until 500 ms after it: some are
		// forwarded to the dying leader, some reach a member with no leader, some arrive as the
		// next one is elected.
		for i := range 30 {
			if i == 5 {
				lead.kill()
				lead.start(t, c.staticArgs()...)
			}
			for _, m := range c.members {
				if m != lead {
					wg.Add(1)
					go send(m, fmt.Sprintf("/lc/%d/%s-%d", round, m.Name, i), i%2 == 0)
				}
			}
			time.Sleep(20 * time.Millisecond)
		}
		wg.Wait()
		lead.waitHealthy(t)
	}
	var slowest time.Duration
	for _, r := range results {
		slowest = max(slowest, r.elapsed)
		if !assert.NoError(t, r.err, r.what) {
			continue
		}
		assert.Contains(t, []int{http.StatusOK, http.StatusCreated, http.StatusNotFound}, r.code, r.what)
		// The request timeout is 5 s plus two election timeouts: an answer this late came from it.
		assert.Less(t, r.elapsed, 5*time.Second, "%s waited for the request timeout (%v)", r.what, r.elapsed)
	}
	t.Logf("%d requests around %d leader restarts; slowest answered in %v", len(results), leaderChangeRounds, slowest)
}
