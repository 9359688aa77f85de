package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/raftlab/raftlab/cmd/internal/timerslack"
)

// TestKVDRunsWithItsTimerSlack starts real kvd processes and reads every thread's timer slack and
// the environment from /proc: kvd sets its slack and executes itself again, in the process the
// test started, under its own name, only when its slack is not already the one asked for.
func TestKVDRunsWithItsTimerSlack(t *testing.T) {
	inherited, err := timerslack.Proc("self")
	if err != nil {
		t.Skipf("this kernel does not show timer slack (Linux 4.6+): %v", err)
	}
	tests := []struct {
		name     string
		env      []string
		want     time.Duration
		reexecut bool
	}{
		{name: "the default", want: timerSlackDefault, reexecut: true},
		{name: "KVD_TIMER_SLACK", env: []string{timerSlackEnv + "=250us"}, want: 250 * time.Microsecond, reexecut: true},
		{name: "off", env: []string{timerSlackEnv + "=off"}, want: inherited},
		{name: "the slack it already has", env: []string{fmt.Sprintf("%s=%dns", timerSlackEnv, inherited.Nanoseconds())}, want: inherited},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newMember(t, "infra1", t.TempDir())
			m.env = tt.env
			m.start(t)
			m.waitHealthy(t)
			pid := strconv.Itoa(m.PID())

			// The process the test started is the one serving, with the slack on every thread.
			threads, err := os.ReadDir(filepath.Join("/proc", pid, "task"))
			require.NoError(t, err)
			require.GreaterOrEqual(t, len(threads), 2, "the runtime's threads")
			for _, th := range threads {
				got, err := timerslack.Proc(th.Name())
				require.NoError(t, err)
				assert.Equal(t, tt.want, got, "thread %s", th.Name())
			}
			environ, err := os.ReadFile(filepath.Join("/proc", pid, "environ"))
			require.NoError(t, err)
			assert.Equal(t, tt.reexecut, strings.Contains(string(environ), "\x00"+timerSlackReexecEnv+"=1\x00"),
				"executed itself again")
			// Its name is still its executable's (ps, pgrep, start-cluster.sh), not "exe".
			comm, err := os.ReadFile(filepath.Join("/proc", pid, "comm"))
			require.NoError(t, err)
			assert.Equal(t, filepath.Base(kvdBinary), strings.TrimSpace(string(comm)))
		})
	}
}

// TestKVDRefusesABadTimerSlack: a value kvd cannot take stops it with a usage error naming it.
func TestKVDRefusesABadTimerSlack(t *testing.T) {
	m := newMember(t, "infra1", t.TempDir())
	m.env = []string{timerSlackEnv + "=1h"}
	m.start(t)
	select {
	case <-m.Exited():
	case <-time.After(20 * time.Second):
		t.Fatal("kvd did not exit")
	}
	require.Error(t, m.ExitErr())
	assert.Contains(t, m.ExitErr().Error(), "exit status 2")
	assert.Contains(t, m.RunLog(), timerSlackEnv+`="1h"`)
}
