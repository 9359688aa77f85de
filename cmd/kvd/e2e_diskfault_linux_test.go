package main

import (
	"encoding/json"
	"net/http"
	"net/url"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// limitFileSize sets the file size limit (RLIMIT_FSIZE) of a running process: every later write at
// or past offset bytes fails with EFBIG (Go ignores the SIGXFSZ that comes with it), as writes to a
// full disk fail.
func limitFileSize(t *testing.T, pid int, bytes uint64) {
	t.Helper()
	lim := syscall.Rlimit{Cur: bytes, Max: bytes}
	_, _, errno := syscall.RawSyscall6(syscall.SYS_PRLIMIT64, uintptr(pid), uintptr(syscall.RLIMIT_FSIZE),
		uintptr(unsafe.Pointer(&lim)), 0, 0, 0)
	require.Zero(t, errno, "prlimit %d: %v", pid, errno)
}

type selfStats struct {
	ID         string `json:"id"`
	State      string `json:"state"`
	LeaderInfo struct {
		Leader string `json:"leader"`
	} `json:"leaderInfo"`
}

// TestFailedDiskNeverServesFrozenData: the leader's WAL writes start failing. The member stops
// (it neither applies nor acknowledges anything more), and it must not answer as if it were current:
// a key written later through another member is not reported missing, the frozen value of an older
// key is not served, and /v2/stats/self and /health do not present it as a healthy leader. It used to
// answer 404 and keep saying StateLeader beside the real leader.
func TestFailedDiskNeverServesFrozenData(t *testing.T) {
	if testing.Short() {
		t.Skip("starts real processes")
	}
	c := startCluster(t, 3)
	lead := c.members[c.leaderIndex(t, nil)]
	code, _, body, err := curl(http.MethodPut, lead.ClientURL+"/v2/keys/old", url.Values{"value": {"before"}})
	require.NoError(t, err)
	require.Equal(t, http.StatusCreated, code, body)

	limitFileSize(t, lead.PID(), 1)
	code, _, body, err = curl(http.MethodPut, lead.ClientURL+"/v2/keys/old", url.Values{"value": {"after"}})
	require.NoError(t, err)
	assert.GreaterOrEqual(t, code, 500, "a write the member could not make durable is not acknowledged: %s", body)

	// The other two elect a leader among themselves and take a write.
	next := c.members[c.leaderIndex(t, lead)]
	require.NotSame(t, lead, next)
	require.Eventually(t, func() bool {
		code, _, _, err := curl(http.MethodPut, next.ClientURL+"/v2/keys/later", url.Values{"value": {"written elsewhere"}})
		return err == nil && code == http.StatusCreated
	}, 20*time.Second, 50*time.Millisecond)

	for _, key := range []string{"/later", "/old"} {
		code, _, body, err = curl(http.MethodGet, lead.ClientURL+"/v2/keys"+key, nil)
		require.NoError(t, err)
		assert.Equal(t, http.StatusInternalServerError, code, "GET %s from the failed member: %s", key, body)
		var e struct {
			ErrorCode int    `json:"errorCode"`
			Cause     string `json:"cause"`
		}
		require.NoError(t, json.Unmarshal([]byte(body), &e), body)
		assert.Equal(t, 300, e.ErrorCode, "etcd's Raft Internal Error: %s", body)
		assert.Contains(t, e.Cause, "storage failed", body)
	}

	var st selfStats
	require.NoError(t, getJSON(lead.ClientURL+"/v2/stats/self", &st))
	assert.Equal(t, "StateFollower", st.State, "the failed member stepped down")
	assert.Contains(t, []string{"", "0"}, st.LeaderInfo.Leader, "and follows nobody")
	code, _, body, err = curl(http.MethodGet, lead.ClientURL+"/health", nil)
	require.NoError(t, err)
	assert.Equal(t, http.StatusServiceUnavailable, code)
	assert.Contains(t, body, "STORAGE FAILED")

	// The healthy members follow the other leader.
	failedID := st.ID
	for _, m := range c.members {
		if m == lead {
			continue
		}
		require.NoError(t, getJSON(m.ClientURL+"/v2/stats/self", &st))
		assert.NotContains(t, []string{"", "0"}, st.LeaderInfo.Leader, "%s knows a leader", m.Name)
		assert.NotEqual(t, failedID, st.LeaderInfo.Leader, "%s does not follow the failed member", m.Name)
	}
}
