package main

import (
	"fmt"
	"runtime"
	"syscall"
	"time"
)

// prctl options for the timer slack (linux/prctl.h).
const (
	prSetTimerSlack = 29
	prGetTimerSlack = 30
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
	had, _, errno := syscall.RawSyscall(syscall.SYS_PRCTL, prGetTimerSlack, 0, 0)
	if errno != 0 {
		return zero, fmt.Errorf("read the timer slack: %w", errno)
	}
	if _, _, errno := syscall.RawSyscall(syscall.SYS_PRCTL, prSetTimerSlack, uintptr(d.Nanoseconds()), 0); errno != 0 {
		return zero, fmt.Errorf("set the timer slack to %v: %w", d, errno)
	}
	defer syscall.RawSyscall(syscall.SYS_PRCTL, prSetTimerSlack, had, 0)
	return start()
}
