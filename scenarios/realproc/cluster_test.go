package realproc

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/raftlab/raftlab/scenarios/etcdref"
)

// testBinaries are kvd, built once by TestMain, and the reference etcd.
var testBinaries map[Flavor]string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "realproc-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := func() int {
		defer os.RemoveAll(dir)
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		bins, err := BuildCommands(ctx, dir, false, "kvd")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		ref, err := etcdref.Build(ctx)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		testBinaries = map[Flavor]string{Kvd: bins[0], Etcd: ref.Etcd}
		return m.Run()
	}()
	os.Exit(code)
}

func binaries(t *testing.T) map[Flavor]string {
	t.Helper()
	require.NotEmpty(t, testBinaries)
	return testBinaries
}

func put(t *testing.T, m *Member, key, value string) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodPut, m.ClientURL+"/v2/keys"+key, strings.NewReader(url.Values{"value": {value}}.Encode()))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	_, _ = io.Copy(io.Discard, resp.Body)
	require.NoError(t, resp.Body.Close())
	return resp.StatusCode
}

func get(t *testing.T, m *Member, key string) string {
	t.Helper()
	resp, err := http.Get(m.ClientURL + "/v2/keys" + key + "?quorum=true")
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return string(b)
}

// TestClusterLifecycle starts a 3-member cluster of each flavor, checks it is ready as promised
// (every member published, a leader agreed), kills the leader, sees a new one elected, restarts
// the old leader from its data directory and reads back what was written, then stops a member.
func TestClusterLifecycle(t *testing.T) {
	bins := binaries(t)
	for _, flavor := range []Flavor{Kvd, Etcd} {
		t.Run(string(flavor), func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			c, err := Start(ctx, Config{Binary: bins[flavor], Flavor: flavor, Dir: t.TempDir()})
			require.NoError(t, err)
			defer func() {
				require.NoError(t, c.Close())
				if t.Failed() {
					t.Log(c.Logs(3000))
				}
			}()
			require.Len(t, c.ClientURLs(), 3)
			for _, m := range c.Members() {
				assert.Equal(t, Running, m.State())
				assert.DirExists(t, fmt.Sprintf("/proc/%d", m.PID()), "PID is the running process")
				assert.Equal(t, m.PeerURL, m.PeerListen)
				assert.Equal(t, filepath.Join(filepath.Dir(m.LogPath), m.Name+".etcd"), m.DataDir)
			}

			leader, err := c.Leader(ctx)
			require.NoError(t, err)
			require.Equal(t, http.StatusCreated, put(t, leader, "/lifecycle", "one"))

			require.NoError(t, c.Kill(leader.Name))
			assert.Equal(t, Down, leader.State())
			assert.Zero(t, leader.PID(), "a member that is down has no process")
			next, err := c.Leader(ctx)
			require.NoError(t, err)
			assert.NotEqual(t, leader.Name, next.Name)
			require.Equal(t, http.StatusOK, put(t, next, "/lifecycle", "two"))

			require.NoError(t, c.Restart(leader.Name))
			require.NoError(t, c.WaitReady(ctx))
			assert.Contains(t, get(t, leader, "/lifecycle"), `"value":"two"`)

			require.NoError(t, c.Stop(next.Name))
			assert.Equal(t, Down, next.State())
			assert.Error(t, c.Stop(next.Name), "a member that is down cannot be stopped again")
			assert.Error(t, c.Restart(leader.Name), "a running member cannot be restarted")
			assert.NotEmpty(t, leader.Log())
		})
	}
}

// TestStartReportsAMemberThatExits: a member that cannot start makes Start fail at once with
// the member's name, and leaves nothing running.
func TestStartReportsAMemberThatExits(t *testing.T) {
	bins := binaries(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	dir := t.TempDir()
	_, err := Start(ctx, Config{Binary: bins[Kvd], Flavor: Kvd, Dir: dir, Args: []string{"--initial-cluster-state", "bogus"}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "exited")
	logs, globErr := filepath.Glob(filepath.Join(dir, "*.log"))
	require.NoError(t, globErr)
	require.NotEmpty(t, logs)
	b, readErr := os.ReadFile(logs[0])
	require.NoError(t, readErr)
	assert.Contains(t, string(b), "bogus")
}

func TestStartRefusesAnUnknownFlavor(t *testing.T) {
	_, err := Start(context.Background(), Config{Binary: "/bin/true", Flavor: "zookeeper", Dir: t.TempDir()})
	require.ErrorContains(t, err, "unknown flavor")
}
