package main

import (
	"runtime"
	"time"

	"github.com/raftlab/raftlab/cmd/internal/timerslack"
)

// withTimerSlack runs start, which starts processes, on a thread whose timer slack is d, so that the
// processes inherit it (the slack passes to a child and across execve); d zero runs start as it is.
// kvd sets its own slack (KVD_TIMER_SLACK); this gives etcd the same for a comparison.
func withTimerSlack[T any](d time.Duration, start func() (T, error)) (T, error) {
	if d == 0 {
		return start()
	}
	var zero T
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	had, err := timerslack.Thread()
	if err != nil {
		return zero, err
	}
	if err := timerslack.SetThread(d); err != nil {
		return zero, err
	}
	defer func() { _ = timerslack.SetThread(had) }()
	return start()
}
