package timerslack

import (
	"runtime"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSetThreadChangesOnlyTheCallingThread: the slack set shows in prctl and in /proc for this
// thread, and the thread gets its old slack back.
func TestSetThreadChangesOnlyTheCallingThread(t *testing.T) {
	if _, err := Proc("self"); err != nil {
		t.Skipf("this kernel does not show timer slack (Linux 4.6+): %v", err)
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	had, err := Thread()
	require.NoError(t, err)
	require.Positive(t, had)
	want := had + 2*time.Millisecond
	require.NoError(t, SetThread(want))
	defer func() { require.NoError(t, SetThread(had)) }()
	got, err := Thread()
	require.NoError(t, err)
	assert.Equal(t, want, got)
	inProc, err := Proc(strconv.Itoa(syscall.Gettid()))
	require.NoError(t, err)
	assert.Equal(t, want, inProc)
	_, err = Proc("no-such-thread")
	assert.Error(t, err)
}
