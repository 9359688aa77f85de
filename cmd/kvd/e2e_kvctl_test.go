package main

import (
	"bytes"
	"context"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// buildKvctl builds the CLI for tests that run it as a real process.
func buildKvctl(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "kvctl")
	build := exec.Command(filepath.Join(runtime.GOROOT(), "bin", "go"), "build", "-o", bin, "../kvctl")
	out, err := build.CombinedOutput()
	require.NoError(t, err, "build kvctl: %s", out)
	return bin
}

type kvctlResult struct {
	stdout, stderr string
	code           int
}

func runKvctl(t *testing.T, bin string, args ...string) kvctlResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else {
		require.NoError(t, err)
	}
	return kvctlResult{stdout: out.String(), stderr: errOut.String(), code: code}
}

// TestTalkKvctlExamples runs the talk's etcdctl commands with kvctl, as real processes, against a
// real 3-member kvd cluster, and checks etcdctl's output byte for byte.
func TestTalkKvctlExamples(t *testing.T) {
	bin := buildKvctl(t)
	c := startCluster(t, 3)
	eps := []string{"--endpoints", c.members[0].ClientURL + "," + c.members[1].ClientURL + "," + c.members[2].ClientURL}
	kv := func(args ...string) kvctlResult {
		return runKvctl(t, bin, append(append([]string{}, eps...), args...)...)
	}
	// etcdctl first syncs to the members' published client URLs: wait until every member published.
	require.Eventually(t, func() bool {
		r := kv("member", "list")
		return r.code == 0 && strings.Count(r.stdout, "clientURLs=http") == 3
	}, 10*time.Second, 50*time.Millisecond)

	assert.Equal(t, kvctlResult{stdout: "bar\n"}, kv("set", "/nosql/foo", "bar"))
	assert.Equal(t, kvctlResult{stdout: "/nosql/foo\n"}, kv("ls", "/nosql"))
	assert.Equal(t, kvctlResult{stdout: "bar\n"}, kv("get", "/nosql/foo"))

	assert.Equal(t, kvctlResult{stdout: "one\n"}, kv("set", "/foo", "one"))
	r := kv("set", "--swap-with-value", "two", "/foo", "three")
	assert.Equal(t, 4, r.code)
	assert.Regexp(t, regexp.MustCompile(`^Error:  101: Compare failed \(\[two != one\]\) \[\d+\]\n$`), r.stderr)
	assert.Equal(t, kvctlResult{stdout: "three\n"}, kv("set", "--swap-with-value", "one", "/foo", "three"))

	// watch --recursive sees a backend added through another member.
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	// --after-index makes the watch independent of when it registers: the event is served from history
	// if it happened first.
	ext := kv("-o", "extended", "get", "/foo")
	idx := regexp.MustCompile(`(?m)^Index: (\d+)$`).FindStringSubmatch(ext.stdout)
	require.NotNil(t, idx, ext.stdout)
	watch := exec.CommandContext(ctx, bin, append(append([]string{}, eps...), "watch", "--recursive", "--after-index", idx[1], "/web-service/backends")...)
	var watchOut bytes.Buffer
	watch.Stdout = &watchOut
	require.NoError(t, watch.Start())
	set := kv("set", "/web-service/backends/b1", "10.0.0.1:80")
	require.Equal(t, 0, set.code, set.stderr)
	require.NoError(t, watch.Wait())
	assert.Equal(t, "[set] /web-service/backends/b1\n10.0.0.1:80\n", watchOut.String())

	list := kv("member", "list")
	require.Equal(t, 0, list.code, list.stderr)
	lines := strings.Split(strings.TrimSpace(list.stdout), "\n")
	require.Len(t, lines, 3)
	leaders := 0
	for _, l := range lines {
		assert.Regexp(t, `^[0-9a-f]+: name=infra\d peerURLs=http://127\.0\.0\.1:\d+ clientURLs=http://127\.0\.0\.1:\d+ isLeader=(true|false)$`, l)
		if strings.HasSuffix(l, "isLeader=true") {
			leaders++
		}
	}
	assert.Equal(t, 1, leaders)

	health := kv("cluster-health")
	assert.Equal(t, 0, health.code, health.stderr)
	assert.True(t, strings.HasSuffix(health.stdout, "cluster is healthy\n"), health.stdout)
	assert.Equal(t, 3, strings.Count(health.stdout, "is healthy: got healthy result from"))

	add := kv("member", "add", "infra4", "http://"+freePort(t))
	require.Equal(t, 0, add.code, add.stderr)
	m := regexp.MustCompile(`^Added member named infra4 with ID ([0-9a-f]+) to cluster\n\nETCD_NAME="infra4"\nETCD_INITIAL_CLUSTER=".*infra4=http://127\.0\.0\.1:\d+.*"\nETCD_INITIAL_CLUSTER_STATE="existing"\n$`).FindStringSubmatch(add.stdout)
	require.NotNil(t, m, add.stdout)
	assert.Equal(t, kvctlResult{stdout: "Removed member " + m[1] + " from cluster\n"}, kv("member", "remove", m[1]))
}
