package main

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// authDo sends a request with basic auth (none when user is empty).
func authDo(method, target, user, password, contentType, body string) (int, string, error) {
	req, err := http.NewRequest(method, target, strings.NewReader(body))
	if err != nil {
		return 0, "", err
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if user != "" {
		req.SetBasicAuth(user, password)
	}
	resp, err := (&http.Client{Timeout: 15 * time.Second}).Do(req)
	if err != nil {
		return 0, "", err
	}
	defer func() { _ = resp.Body.Close() }()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), err
}

// TestAuthReplicatesToEveryMember sets users, roles and the enabled flag up through one member of
// a real 3-member cluster; every member then enforces them on its own.
func TestAuthReplicatesToEveryMember(t *testing.T) {
	c := startCluster(t, 3)
	first := c.members[0].ClientURL
	const js, form = "application/json", "application/x-www-form-urlencoded"
	for _, step := range []struct {
		method, path, body string
		status             int
	}{
		{http.MethodPut, "/v2/auth/users/root", `{"user":"root","password":"rootpw"}`, http.StatusCreated},
		{http.MethodPut, "/v2/auth/roles/app", `{"role":"app","permissions":{"kv":{"read":["/app/*"],"write":["/app/*"]}}}`, http.StatusCreated},
		{http.MethodPut, "/v2/auth/users/alice", `{"user":"alice","password":"alicepw","roles":["app"]}`, http.StatusOK}, // etcd's status for a user created with roles
	} {
		code, body, err := authDo(step.method, first+step.path, "", "", js, step.body)
		require.NoError(t, err)
		require.Equal(t, step.status, code, body)
	}
	code, body, err := authDo(http.MethodPut, first+"/v2/auth/enable", "", "", "", "")
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, code, body)
	code, body, err = authDo(http.MethodPut, first+"/v2/auth/roles/guest", "root", "rootpw", js,
		`{"role":"guest","revoke":{"kv":{"read":["/*"],"write":["/*"]}}}`)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, code, body)

	for _, m := range c.members {
		t.Run(m.Name, func(t *testing.T) {
			require.Eventually(t, func() bool {
				code, _, err := authDo(http.MethodGet, m.ClientURL+"/v2/keys/app/k", "", "", "", "")
				return err == nil && code == http.StatusUnauthorized
			}, 10*time.Second, 10*time.Millisecond, "the guest role was never narrowed on %s", m.Name)
			code, body, err := authDo(http.MethodPut, m.ClientURL+"/v2/keys/app/"+m.Name, "alice", "alicepw", form, "value=v")
			require.NoError(t, err)
			assert.Equal(t, http.StatusCreated, code, body)
			code, body, err = authDo(http.MethodPut, m.ClientURL+"/v2/keys/other", "alice", "alicepw", form, "value=v")
			require.NoError(t, err)
			assert.Equal(t, http.StatusUnauthorized, code)
			assert.Equal(t, noAuthBody, body)
			code, body, err = authDo(http.MethodGet, m.ClientURL+"/v2/keys/other?wait=true", "alice", "alicepw", "", "")
			require.NoError(t, err)
			assert.Equal(t, http.StatusUnauthorized, code)
			assert.Equal(t, noAuthBody, body)
			code, body, err = authDo(http.MethodGet, m.ClientURL+"/v2/keys/?recursive=true&quorum=true", "root", "rootpw", "", "")
			require.NoError(t, err)
			assert.Equal(t, http.StatusOK, code, body)
		})
	}
}

// noAuthBody is etcd's keys-API refusal.
const noAuthBody = `{"errorCode":110,"message":"The request requires user authentication","cause":"Insufficient credentials","index":0}` + "\n"
