package timerslack

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// prctl options (linux/prctl.h).
const (
	prSetTimerSlack = 29
	prGetTimerSlack = 30
)

// Thread is the calling thread's timer slack.
func Thread() (time.Duration, error) {
	r, _, errno := syscall.RawSyscall(syscall.SYS_PRCTL, prGetTimerSlack, 0, 0)
	if errno != 0 {
		return 0, fmt.Errorf("read the timer slack: %w", errno)
	}
	return time.Duration(r), nil
}

// SetThread sets the calling thread's timer slack to d (above zero).
func SetThread(d time.Duration) error {
	if _, _, errno := syscall.RawSyscall(syscall.SYS_PRCTL, prSetTimerSlack, uintptr(d.Nanoseconds()), 0); errno != 0 {
		return fmt.Errorf("set the timer slack to %v: %w", d, errno)
	}
	return nil
}

// Proc is the timer slack of thread tid ("self": the process's main thread) as /proc shows it.
func Proc(tid string) (time.Duration, error) {
	b, err := os.ReadFile(filepath.Join("/proc", tid, "timerslack_ns"))
	if err != nil {
		return 0, fmt.Errorf("read the timer slack of %s: %w", tid, err)
	}
	ns, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("read the timer slack of %s: %w", tid, err)
	}
	return time.Duration(ns), nil
}
