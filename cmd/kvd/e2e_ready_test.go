package main

import (
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// etcdTiming is etcd's default timing: the window between "a leader is known" and "this member's
// publish committed" is then as wide as in production (one heartbeat and a commit).
var etcdTiming = []string{"--heartbeat-interval", "100", "--election-timeout", "1000"}

// firstAnswer polls u with short attempts (a member that does not serve yet accepts the connection
// and answers nothing) and returns the status and body of the first answer it gets.
func firstAnswer(t *testing.T, u string, within time.Duration) (int, string) {
	t.Helper()
	client := &http.Client{Timeout: 200 * time.Millisecond}
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		resp, err := client.Get(u)
		if err != nil {
			time.Sleep(2 * time.Millisecond)
			continue
		}
		b, err := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		require.NoError(t, err)
		return resp.StatusCode, string(b)
	}
	t.Fatalf("no answer from %s within %v", u, within)
	return 0, ""
}

// listedMember is one member as /v2/members shows it.
type listedMember struct {
	Name       string   `json:"name"`
	ClientURLs []string `json:"clientURLs"`
}

// listMembers is the member list as the member at clientURL shows it.
func listMembers(t *testing.T, clientURL string) []listedMember {
	t.Helper()
	var list struct {
		Members []listedMember `json:"members"`
	}
	require.NoError(t, getJSON(clientURL+"/v2/members", &list))
	return list.Members
}

// requireNoAnswer checks that u is not answered within a second: a member that is not ready accepts
// connections and answers nothing.
func requireNoAnswer(t *testing.T, client *http.Client, u string) {
	t.Helper()
	c := *client
	c.Timeout = time.Second
	resp, err := c.Get(u)
	if err == nil {
		_ = resp.Body.Close()
		t.Fatalf("%s answered %s: a member that is not ready serves nothing", u, resp.Status)
	}
	var ne net.Error
	require.ErrorAs(t, err, &ne)
	assert.True(t, ne.Timeout(), "the connection is accepted and left waiting, not refused: %v", err)
}

// TestMembersServeNothingBeforeTheirPublishCommitted: from a member's very first answer on, even to
// /health, the member list it shows has its own name and client URL (etcd serves its client
// listener only after its publish committed). kvd used to answer /health as soon as it knew a
// leader, before its publish committed, so clients found no published client URLs.
func TestMembersServeNothingBeforeTheirPublishCommitted(t *testing.T) {
	if testing.Short() {
		t.Skip("starts real processes")
	}
	for round := range 3 {
		c := &cluster{dir: t.TempDir()}
		var pairs []string
		for i := range 3 {
			m := newMember(t, "infra"+strconv.Itoa(i+1), c.dir)
			c.members = append(c.members, m)
			pairs = append(pairs, m.Name+"="+m.PeerURL)
		}
		c.initial = strings.Join(pairs, ",")
		var wg sync.WaitGroup
		for _, m := range c.members {
			m.start(t, append(c.staticArgs(), etcdTiming...)...)
			wg.Add(1)
			go func() {
				defer wg.Done()
				firstAnswer(t, m.ClientURL+"/health", 30*time.Second)
				members := listMembers(t, m.ClientURL)
				found := false
				for _, mm := range members {
					if mm.Name == m.Name {
						found = true
						assert.Equal(t, []string{m.ClientURL}, mm.ClientURLs, "round %d: %s answered before its client URLs were published", round, m.Name)
					}
				}
				assert.True(t, found, "round %d: %s answered before its name was published: %+v", round, m.Name, members)
			}()
		}
		wg.Wait()
		for _, m := range c.members {
			m.kill()
		}
	}
}

// TestRestartedMemberServesOnlyOnceCaughtUp: a member restarted after missing writes answers its
// first read with the latest value, never from the state it stopped with.
func TestRestartedMemberServesOnlyOnceCaughtUp(t *testing.T) {
	if testing.Short() {
		t.Skip("starts real processes")
	}
	c := startCluster(t, 3)
	late := c.members[2]
	late.terminate(t)
	for i := range 50 {
		code, _, body, err := curl(http.MethodPut, c.members[0].ClientURL+"/v2/keys/k", url.Values{"value": {strconv.Itoa(i)}})
		require.NoError(t, err)
		require.Contains(t, []int{http.StatusOK, http.StatusCreated}, code, body)
	}
	late.start(t, c.staticArgs()...)
	code, body := firstAnswer(t, late.ClientURL+"/v2/keys/k", 30*time.Second)
	assert.Equal(t, http.StatusOK, code, "the first answer of the restarted member: %s", body)
	assert.Contains(t, body, `"value":"49"`, "the restarted member caught up before it answered")
	assert.Len(t, listMembers(t, late.ClientURL), 3)
}

// TestRestartWithoutNameKeepsTheRecordedName: kvd restarted from its data dir without --name shows
// the name it was created with, not "default".
func TestRestartWithoutNameKeepsTheRecordedName(t *testing.T) {
	if testing.Short() {
		t.Skip("starts real processes")
	}
	c := startCluster(t, 3)
	m := c.members[1]
	m.terminate(t)
	// The flag's last value wins: "--name default" is what kvd uses when --name is left out.
	m.start(t, "--name", "default")
	m.waitHealthy(t)
	for _, other := range c.members {
		var names []string
		for _, mm := range listMembers(t, other.ClientURL) {
			names = append(names, mm.Name)
		}
		assert.ElementsMatch(t, []string{"infra1", "infra2", "infra3"}, names, "as %s lists them", other.Name)
	}
}
