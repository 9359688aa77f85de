package bench_test

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// runScript runs run.sh with extra environment variables and returns its exit code and output.
func runScript(t *testing.T, timeout time.Duration, env ...string) (int, string, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", "run.sh")
	cmd.Env = append(os.Environ(), env...)
	cmd.WaitDelay = 10 * time.Second
	var out, errOut bytes.Buffer // each written by its own goroutine of exec
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	code := 0
	if exit, ok := err.(*exec.ExitError); ok {
		code = exit.ExitCode()
	} else {
		require.NoError(t, err)
	}
	return code, out.String(), errOut.String()
}

func TestRunRejectsABadPortRange(t *testing.T) {
	for _, c := range []struct{ ports, want string }{
		{"40000", "want LOW-HIGH"},
		{"a-b", "want LOW-HIGH"},
		{"80-9000", "want ports from 1024 to 65535"},
		{"40000-70000", "want ports from 1024 to 65535"},
		{"40010-40000", "want at least 9 ports"},
		{"40000-40007", "want at least 9 ports"},
	} {
		code, _, stderr := runScript(t, 30*time.Second, "PORTS="+c.ports)
		assert.Equal(t, 1, code, c.ports)
		assert.Contains(t, stderr, "run.sh: PORTS="+c.ports+": "+c.want, c.ports)
		assert.NotContains(t, stderr, "building", "the range is checked before anything is built")
	}
}

// TestRunListensOnlyInTheChosenPorts runs one short row with PORTS set and reads the members' URLs.
func TestRunListensOnlyInTheChosenPorts(t *testing.T) {
	if testing.Short() {
		t.Skip("builds kvd and kvctl and runs a 3-member cluster")
	}
	low := 21000 + rand.IntN(11000) // below the ephemeral ports outgoing connections take
	high := low + 29
	out := t.TempDir()
	code, stdout, stderr := runScript(t, 5*time.Minute, fmt.Sprintf("PORTS=%d-%d", low, high), "OUT="+out,
		"DURATION=1s", "ROWS=put1", "RUNS=1")
	require.Equal(t, 0, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)
	assert.Contains(t, stdout, "| PUT, 1 client |")
	members, err := os.ReadFile(filepath.Join(out, "members.txt"))
	require.NoError(t, err)
	ports := regexp.MustCompile(`127\.0\.0\.1:(\d+)`).FindAllStringSubmatch(string(members), -1)
	require.Len(t, ports, 6, "a peer and a client URL per member:\n%s", members)
	for _, m := range ports {
		p, err := strconv.Atoi(m[1])
		require.NoError(t, err)
		assert.GreaterOrEqual(t, p, low)
		assert.LessOrEqual(t, p, high)
	}
}
