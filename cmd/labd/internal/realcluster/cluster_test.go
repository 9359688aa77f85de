package realcluster

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// buildKvd builds cmd/kvd into a temporary directory.
func buildKvd(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "kvd")
	cmd := exec.Command(filepath.Join(runtime.GOROOT(), "bin", "go"), "build", "-o", bin, "github.com/raftlab/raftlab/cmd/kvd")
	cmd.Stderr = os.Stderr
	require.NoError(t, cmd.Run(), "build kvd")
	return bin
}

// leaderOf polls until a running member leads and returns it with its term.
func leaderOf(t *testing.T, c *Cluster, among ...string) (string, uint64) {
	t.Helper()
	var lead string
	var term uint64
	require.Eventually(t, func() bool {
		for _, name := range among {
			if st, err := c.Status(name); err == nil && st.Role == "leader" {
				lead, term = name, st.Term
				return true
			}
		}
		return false
	}, 15*time.Second, 20*time.Millisecond, "no leader among %v", among)
	return lead, term
}

func without(names []string, drop string) []string {
	var out []string
	for _, n := range names {
		if n != drop {
			out = append(out, n)
		}
	}
	return out
}

func TestClusterFaultsOnRealProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("starts real kvd processes")
	}
	c, err := Start(Config{Binary: buildKvd(t), Dir: t.TempDir(), Names: []string{"n1", "n2", "n3"},
		Heartbeat: 20 * time.Millisecond, Election: 200 * time.Millisecond})
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, c.Close()) })
	names := c.Names()

	// Start leaves every link cut: nobody can win, so nobody publishes and nobody answers.
	for _, name := range names {
		st, err := c.Status(name)
		assert.Error(t, err, "%s answers (as %s) with every link cut", name, st.Role)
	}
	c.Network().HealCuts()
	lead, term := leaderOf(t, c, names...)

	// Isolating the leader lets the others elect a new one in a higher term.
	rest := without(names, lead)
	for _, other := range rest {
		c.Network().SetCut(lead, other, true)
		c.Network().SetCut(other, lead, true)
	}
	newLead, newTerm := leaderOf(t, c, rest...)
	assert.Greater(t, newTerm, term)
	c.Network().HealCuts()

	// Pause and resume, kill -9 and restart.
	require.NoError(t, c.Pause(newLead))
	assert.Equal(t, StatePaused, c.State(newLead))
	_, err = c.Status(newLead)
	assert.Error(t, err, "a paused member is not asked")
	require.NoError(t, c.Resume(newLead))
	assert.Equal(t, StateRunning, c.State(newLead))

	require.NoError(t, c.Kill(newLead))
	assert.Equal(t, StateDown, c.State(newLead))
	assert.Error(t, c.Kill(newLead), "killing a dead member is an error")
	require.NoError(t, c.Restart(newLead))
	require.Eventually(t, func() bool {
		st, err := c.Status(newLead)
		return err == nil && st.Leader != ""
	}, 15*time.Second, 20*time.Millisecond, "%s did not rejoin a leader after its restart", newLead)
	assert.Error(t, c.Restart(newLead), "restarting a running member is an error")
	_, err = os.Stat(c.LogPath(newLead))
	assert.NoError(t, err, fmt.Sprintf("log of %s", newLead))
}

func TestLostAPortReadsTheLogOfAMemberThatExited(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		path := filepath.Join(dir, name+".log")
		require.NoError(t, os.WriteFile(path, []byte(text), 0o644))
		return path
	}
	taken := &Cluster{procs: map[string]*process{
		"n1": {name: "n1", logPath: write("n1", "level=INFO msg=starting\n")},
		"n2": {name: "n2", logPath: write("n2", "kvd: listen tcp 127.0.0.1:40123: bind: address already in use\n")},
	}}
	assert.True(t, taken.lostAPort(), "n2 could not bind its address: worth another set of ports")
	other := &Cluster{procs: map[string]*process{
		"n1": {name: "n1", logPath: write("n3", "kvd: --initial-cluster: bad URL\n")},
	}}
	assert.False(t, other.lostAPort(), "any other start-up failure is reported at once")

	dataDir := filepath.Join(dir, "n2.etcd")
	require.NoError(t, os.MkdirAll(filepath.Join(dataDir, "member"), 0o755))
	taken.procs["n2"].dataDir = dataDir
	taken.procs["n1"].dataDir = filepath.Join(dir, "n1.etcd")
	require.NoError(t, taken.cleanUpFailedStart())
	assert.NoDirExists(t, dataDir)
	assert.NoFileExists(t, filepath.Join(dir, "n2.log"))
}
