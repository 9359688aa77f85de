package main

import (
	"bytes"
	"context"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/raftlab/raftlab/scenarios/etcdref"
)

// startRunsEnv sets how many fresh starts TestStartClusterScriptThenTheTalksCommandsAtOnce makes
// (default 5; the issue asks for 20 with zero failures).
const startRunsEnv = "KVD_START_CLUSTER_RUNS"

// scriptCluster drives cmd/kvd/start-cluster.sh on ports shifted by offset, with its own data dir.
type scriptCluster struct {
	dir    string
	offset int
}

// clusterPorts are the script's ports before the offset: clients, then peers.
var clusterPorts = []int{2379, 22379, 32379, 12380, 22380, 32380}

// freeOffset finds a port offset under which the script's six ports are free. The largest stays
// below Linux's ephemeral range (32768 and up).
func freeOffset(t *testing.T) int {
	t.Helper()
	for range 100 {
		off := 1 + rand.IntN(380)
		free := true
		for _, p := range clusterPorts {
			ln, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(p+off))
			if err != nil {
				free = false
				break
			}
			_ = ln.Close()
		}
		if free {
			return off
		}
	}
	t.Fatal("no free port offset in 100 draws")
	return 0
}

// run runs the script with one command and returns its output and exit code.
func (c *scriptCluster) run(t *testing.T, command string) (string, int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", "start-cluster.sh", command)
	cmd.Env = append(os.Environ(), "KVD_CLUSTER_DIR="+c.dir, "KVD_CLUSTER_PORT_OFFSET="+strconv.Itoa(c.offset),
		"PATH="+filepath.Join(runtime.GOROOT(), "bin")+string(os.PathListSeparator)+os.Getenv("PATH"))
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else {
		require.NoError(t, err, "start-cluster.sh %s: %s", command, out.String())
	}
	return out.String(), code
}

func (c *scriptCluster) endpoint() string {
	return "http://127.0.0.1:" + strconv.Itoa(2379+c.offset)
}

// talkCommands runs the talk's first commands with bin (the real etcdctl or kvctl) against the
// script's first member, as a user does right after `start-cluster.sh start`, and returns what went
// wrong (nothing when every command printed what etcdctl prints).
func (c *scriptCluster) talkCommands(t *testing.T, bin string) []string {
	var problems []string
	run := func(args ...string) kvctlResult {
		r := runKvctl(t, bin, append([]string{"--endpoints", c.endpoint()}, args...)...)
		if r.code != 0 {
			problems = append(problems, filepath.Base(bin)+" "+strings.Join(args, " ")+": exit "+strconv.Itoa(r.code)+": "+r.stderr)
		}
		return r
	}
	expect := func(what, got, want string) {
		if got != want {
			problems = append(problems, what+": got "+strconv.Quote(got)+", want "+strconv.Quote(want))
		}
	}
	expect("set", run("set", "/nosql/foo", "bar").stdout, "bar\n")
	expect("get", run("get", "/nosql/foo").stdout, "bar\n")
	if ls := run("ls").stdout; !strings.Contains(ls, "/nosql\n") {
		problems = append(problems, "ls: no /nosql in "+strconv.Quote(ls))
	}
	members := run("member", "list").stdout
	for i, off := range []int{2379, 22379, 32379} {
		name := "name=infra" + strconv.Itoa(i+1)
		url := "clientURLs=http://127.0.0.1:" + strconv.Itoa(off+c.offset)
		if !strings.Contains(members, name+" ") || !strings.Contains(members, url) {
			problems = append(problems, "member list lacks "+name+" "+url+": "+strconv.Quote(members))
		}
	}
	if h := run("cluster-health").stdout; !strings.Contains(h, "cluster is healthy") {
		problems = append(problems, "cluster-health: "+strconv.Quote(h))
	}
	return problems
}

// TestStartClusterScriptThenTheTalksCommandsAtOnce: a fresh 3-member cluster started with
// start-cluster.sh answers the talk's first commands (real etcdctl and kvctl) the moment the script
// returns. It used to fail on about 2 of 5 starts with "etcd cluster has no published client
// endpoints": members served clients before their publish committed.
func TestStartClusterScriptThenTheTalksCommandsAtOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("starts real clusters")
	}
	runs := 5
	if v := os.Getenv(startRunsEnv); v != "" {
		n, err := strconv.Atoi(v)
		require.NoError(t, err, startRunsEnv)
		runs = n
	}
	ref, err := etcdref.Build(ctxTimeout(t, 10*time.Minute))
	require.NoError(t, err)
	failed := 0
	for i := range runs {
		c := &scriptCluster{dir: t.TempDir(), offset: freeOffset(t)}
		out, code := c.run(t, "start")
		t.Cleanup(func() { c.run(t, "stop") })
		require.Equal(t, 0, code, "start %d: %s", i, out)
		kvctl := filepath.Join(c.dir, "bin", "kvctl")
		tools := []string{ref.Etcdctl, kvctl}
		if i%2 == 1 {
			tools = []string{kvctl, ref.Etcdctl} // each goes first right after start half the time
		}
		var problems []string
		for _, bin := range tools {
			problems = append(problems, c.talkCommands(t, bin)...)
		}
		if len(problems) > 0 {
			failed++
			t.Errorf("start %d: %s", i, strings.Join(problems, "\n  "))
		}
		out, code = c.run(t, "stop")
		require.Equal(t, 0, code, "stop %d: %s", i, out)
	}
	t.Logf("%d fresh starts, %d with a failed command", runs, failed)
}

func TestStartClusterScriptRefusesToStartOverRunningMembers(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a real cluster")
	}
	c := &scriptCluster{dir: t.TempDir(), offset: freeOffset(t)}
	out, code := c.run(t, "start")
	require.Equal(t, 0, code, out)
	t.Cleanup(func() { c.run(t, "stop") })
	out, code = c.run(t, "status")
	assert.Equal(t, 0, code, out)
	assert.Equal(t, 3, strings.Count(out, "serving on"), out)

	out, code = c.run(t, "start")
	assert.NotEqual(t, 0, code, "a second start is refused")
	assert.Contains(t, out, "infra1 is still running")
	out, code = c.run(t, "status")
	assert.Equal(t, 0, code, "the first cluster still serves: %s", out)

	out, code = c.run(t, "stop")
	require.Equal(t, 0, code, out)
	out, code = c.run(t, "status")
	assert.Equal(t, 1, code)
	assert.Equal(t, 3, strings.Count(out, "not running"), "stop stopped every member: %s", out)
	for _, p := range clusterPorts {
		ln, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(p+c.offset))
		require.NoError(t, err, "port %d is free again", p+c.offset)
		_ = ln.Close()
	}
}

func TestStartClusterScriptRefusesPortsInUse(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the script")
	}
	c := &scriptCluster{dir: t.TempDir(), offset: freeOffset(t)}
	ln, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(22380+c.offset))
	require.NoError(t, err)
	defer func() { _ = ln.Close() }()
	out, code := c.run(t, "start")
	assert.NotEqual(t, 0, code)
	assert.Contains(t, out, "port "+strconv.Itoa(22380+c.offset)+" is in use")
	out, code = c.run(t, "status")
	assert.Equal(t, 1, code)
	assert.Equal(t, 3, strings.Count(out, "not running"), "nothing was started: %s", out)
}
