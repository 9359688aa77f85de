//go:build !linux

package main

import (
	"errors"
	"time"
)

// withTimerSlack runs start; a timer slack other than zero is Linux's alone.
func withTimerSlack[T any](d time.Duration, start func() (T, error)) (T, error) {
	if d != 0 {
		var zero T
		return zero, errors.New("-etcd-timer-slack: timer slack is Linux's")
	}
	return start()
}
