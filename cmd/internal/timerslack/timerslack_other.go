//go:build !linux

package timerslack

import (
	"errors"
	"time"
)

// errNotLinux: timer slack is Linux's.
var errNotLinux = errors.New("timer slack is Linux's")

// Thread is the calling thread's timer slack.
func Thread() (time.Duration, error) { return 0, errNotLinux }

// SetThread sets the calling thread's timer slack to d (above zero).
func SetThread(time.Duration) error { return errNotLinux }

// Proc is the timer slack of thread tid ("self": the process's main thread) as /proc shows it.
func Proc(string) (time.Duration, error) { return 0, errNotLinux }
