package main

import (
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/raftlab/raftlab/cmd/internal/timerslack"
)

// TestProcessesStartedWithATimerSlackInheritIt: a process started in withTimerSlack runs with the
// slack, and the harness's own thread has its slack back afterwards.
func TestProcessesStartedWithATimerSlackInheritIt(t *testing.T) {
	before, err := timerslack.Proc("self")
	if err != nil {
		t.Skipf("this kernel does not show timer slack (Linux 4.6+): %v", err)
	}
	want := before + 3*time.Millisecond
	out, err := withTimerSlack(want, childSlack)
	require.NoError(t, err)
	got, err := strconv.ParseInt(strings.TrimSpace(out), 10, 64)
	require.NoError(t, err)
	assert.Equal(t, want, time.Duration(got))
	after, err := timerslack.Proc("self")
	require.NoError(t, err)
	assert.Equal(t, before, after)

	out, err = withTimerSlack(0, childSlack)
	require.NoError(t, err)
	assert.Equal(t, strconv.FormatInt(before.Nanoseconds(), 10), strings.TrimSpace(out))
}

// childSlack starts a process that prints its own timer slack, and returns what it printed.
func childSlack() (string, error) {
	b, err := exec.Command("cat", "/proc/self/timerslack_ns").Output()
	return string(b), err
}
