package main

import (
	"bufio"
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// openWatch starts a watch as user and returns a channel of the lines of its body, closed when the
// body ends.
func openWatch(t *testing.T, target, user, password string) <-chan string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	require.NoError(t, err)
	req.SetBasicAuth(user, password)
	resp, err := (&http.Client{}).Do(req)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	lines := make(chan string, 16)
	go func() {
		defer close(lines)
		defer func() { _ = resp.Body.Close() }()
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	return lines
}

// requireEnds waits for the watch body to end and returns what it carried.
func requireEnds(t *testing.T, lines <-chan string, what string) []string {
	t.Helper()
	var got []string
	deadline := time.After(10 * time.Second)
	for {
		select {
		case l, ok := <-lines:
			if !ok {
				return got
			}
			got = append(got, l)
		case <-deadline:
			t.Fatalf("%s: the watch is still open (got %q)", what, got)
		}
	}
}

// TestWatchesEndWhenTheirRightsGo opens watches through a follower as three users of a role that
// may read /app*, then, through the leader, deletes one user and revokes the role of another:
// their watches end, without the events written afterwards; the third user's watch stays and
// receives them.
func TestWatchesEndWhenTheirRightsGo(t *testing.T) {
	c := startCluster(t, 3)
	lead := c.leaderIndex(t, nil)
	a, b := c.members[lead].ClientURL, c.members[(lead+1)%3].ClientURL
	enableAuthAsRoot(t, a, `{"role":"app","permissions":{"kv":{"read":["/app*"],"write":["/app*"]}}}`,
		`{"user":"alice","password":"pw","roles":["app"]}`, `{"user":"bob","password":"pw","roles":["app"]}`,
		`{"user":"carol","password":"pw","roles":["app"]}`)
	// The follower has applied everything before the watches open.
	require.Eventually(t, func() bool {
		code, _ := asUser(t, http.MethodGet, b+"/v2/keys/app/?recursive=true", "carol", "pw", "")
		return code == http.StatusOK || code == http.StatusNotFound
	}, 10*time.Second, 5*time.Millisecond)

	alice := openWatch(t, b+"/v2/keys/app/?wait=true&recursive=true&stream=true", "alice", "pw")
	bob := openWatch(t, b+"/v2/keys/app/k?wait=true", "bob", "pw")
	carol := openWatch(t, b+"/v2/keys/app/?wait=true&recursive=true&stream=true", "carol", "pw")

	code, body := asUser(t, http.MethodDelete, a+"/v2/auth/users/alice", "root", "rootpw", "")
	require.Equal(t, http.StatusOK, code, body)
	code, body = asUser(t, http.MethodPut, a+"/v2/auth/users/bob", "root", "rootpw", `{"user":"bob","revoke":["app"]}`)
	require.Equal(t, http.StatusOK, code, body)
	code, body = asUser(t, http.MethodPut, a+"/v2/keys/app/k", "root", "rootpw", "value=after")
	require.Equal(t, http.StatusCreated, code, body)

	assert.Empty(t, requireEnds(t, alice, "deleted user's watch"), "no event after the deletion")
	assert.Empty(t, requireEnds(t, bob, "revoked role's watch"), "no event after the revocation")
	select {
	case l := <-carol:
		assert.True(t, strings.Contains(l, `"value":"after"`), "carol's watch goes on: %s", l)
	case <-time.After(10 * time.Second):
		t.Fatal("carol's watch received nothing")
	}

	code, body = asUser(t, http.MethodGet, b+"/v2/keys/app/k?wait=true", "alice", "pw", "")
	assert.Equal(t, http.StatusUnauthorized, code)
	assert.Equal(t, noAuthBody, body, "a new try is refused with etcd's error")
}
