package server

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/raftlab/raftlab/core/httpapi"
)

// authPut sends an auth API PUT with basic auth root:pw (when asRoot) and returns status and body.
func authPut(t *testing.T, base, path, body string, asRoot bool) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPut, base+path, strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	if asRoot {
		req.SetBasicAuth("root", "pw")
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(b)
}

// TestAuthRecordOverTheRequestLimitIsA4xx grows a role by grants, each well within the request limit,
// until its record no longer fits one: the member refuses that write (the node's limit on a log
// entry) with a 400 and etcd's "request is too large", not a 500 a client would retry elsewhere, and
// the role keeps what it had.
func TestAuthRecordOverTheRequestLimitIsA4xx(t *testing.T) {
	c := newTestCluster(t, 1)
	c.leader()
	api := httptest.NewServer(httpapi.New(httpapi.Config{Backend: c.servers[0], Logger: quietLogger()}))
	defer api.Close()

	code, body := authPut(t, api.URL, "/v2/auth/users/root", `{"user":"root","password":"pw"}`, false)
	require.Equal(t, http.StatusCreated, code, body)
	code, body = authPut(t, api.URL, "/v2/auth/roles/big", `{"role":"big"}`, true)
	require.Equal(t, http.StatusCreated, code, body)
	grant := func(from int) (int, string) {
		patterns := make([]string, 2000) // ~1 MB of patterns per grant
		for i := range patterns {
			patterns[i] = "/" + strings.Repeat("k", 500) + strconv.Itoa(from+i)
		}
		b, err := json.Marshal(map[string]any{"role": "big", "grant": map[string]any{"kv": map[string]any{"read": patterns}}})
		require.NoError(t, err)
		return authPut(t, api.URL, "/v2/auth/roles/big", string(b), true)
	}
	code, body = grant(0)
	require.Equal(t, http.StatusOK, code, "%.200s", body)
	code, body = grant(2000) // the record would now be ~2 MB
	assert.Equal(t, http.StatusBadRequest, code)
	assert.Equal(t, `{"message":"etcdserver: request is too large"}`, body[:min(len(body), 200)])

	resp, err := http.Get(api.URL + "/v2/auth/roles/big")
	require.NoError(t, err)
	defer resp.Body.Close()
	var role struct {
		Permissions struct{ KV struct{ Read []string } }
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&role))
	assert.Equal(t, 2000, len(role.Permissions.KV.Read), "the refused grant changed nothing")
}
