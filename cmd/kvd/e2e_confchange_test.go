package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// confChangeRounds is how many times TestConcurrentMemberChangesThroughFollowers adds and removes.
const confChangeRounds = 3

// TestConcurrentMemberChangesThroughFollowers sends membership changes to both followers of a
// 3-member cluster at the same moment: two member adds, then each follower removes the member the
// other one added. The leader takes one change at a time and drops a forwarded one that arrives while
// another applies, without a word to the follower that forwarded it: the follower must send it again
// by itself, well before the request timeout (5 s plus two election timeouts). And a follower that has
// not applied the other's add yet must not answer 404 "No such member" on its stale view (1 run in 4
// did before): a change is judged where it applies, as etcd judges it.
func TestConcurrentMemberChangesThroughFollowers(t *testing.T) {
	c := startCluster(t, 3)
	lead := c.members[c.leaderIndex(t, nil)]
	var followers []*member
	for _, m := range c.members {
		if m != lead {
			followers = append(followers, m)
		}
	}
	type change struct {
		what    string
		code    int
		body    string
		elapsed time.Duration
		err     error
	}
	var slowest time.Duration
	concurrently := func(what string, do func(i int, f *member) (int, string, error)) []change {
		out := make([]change, len(followers))
		var wg sync.WaitGroup
		for i, f := range followers {
			wg.Go(func() {
				begin := time.Now()
				code, body, err := do(i, f)
				out[i] = change{what: fmt.Sprintf("%s through %s", what, f.Name), code: code, body: body, elapsed: time.Since(begin), err: err}
			})
		}
		wg.Wait()
		for _, ch := range out {
			slowest = max(slowest, ch.elapsed)
			// An answer this late came from the request timeout.
			assert.Less(t, ch.elapsed, 5*time.Second, "%s waited for the request timeout", ch.what)
		}
		return out
	}
	for round := range confChangeRounds {
		added := concurrently("member add", func(i int, f *member) (int, string, error) {
			return authDo(http.MethodPost, f.ClientURL+"/v2/members", "", "", "application/json",
				fmt.Sprintf(`{"peerURLs":["http://127.0.0.1:%d"]}`, 1+round*10+i))
		})
		for _, ch := range added {
			require.NoError(t, ch.err, ch.what)
			require.Equal(t, http.StatusCreated, ch.code, "%s: %s", ch.what, ch.body)
		}
		removed := concurrently("member remove", func(i int, f *member) (int, string, error) {
			var m struct{ ID string }
			if err := json.Unmarshal([]byte(added[len(added)-1-i].body), &m); err != nil {
				return 0, "", err
			}
			return authDo(http.MethodDelete, f.ClientURL+"/v2/members/"+m.ID, "", "", "", "")
		})
		for _, ch := range removed {
			require.NoError(t, ch.err, ch.what)
			require.Equal(t, http.StatusNoContent, ch.code, "%s: %s", ch.what, ch.body)
		}
	}
	_, ids := memberIDs(t, lead)
	assert.Len(t, ids, 3, "every member added was removed")
	t.Logf("%d rounds of 2 concurrent adds and 2 removes; slowest answered in %v", confChangeRounds, slowest)
}
