package main

import (
	"fmt"
	"strings"
	"time"
)

// Timer slack. Linux lets a thread's timed sleeps end up to its "timer slack" late (50 µs by
// default), so that wake-ups can be batched. The Go runtime's sysmon thread sleeps 20 µs at a time
// while the process is busy and, at every wake-up, hands the processor of any goroutine that has sat
// in a system call since its last round to another thread: on a kvd member that is the persister in
// each fdatasync (0.3–0.7 ms here), so a busy member polled about 5,000 times a second and moved
// its persister's processor to another thread and back for most fsyncs (futex wake-ups, context
// switches, a cold cache), then woke again at the next system call after each idle moment.
//
// kvd therefore runs with a larger timer slack, timerSlackDefault unless KVD_TIMER_SLACK says
// otherwise: sysmon's 20 µs sleeps then last until the CPU's next timer interrupt (at most the
// slack), it retakes a processor only from system calls longer than that, and a member's CPU per
// write, its throughput and its latency all improve (README, "kvd against a real etcd"). The cost
// is that the process's timers may fire up to the slack late: kvd's timers are its heartbeats,
// elections, TTLs and polls, from 10 ms up, and no safety property rests on their precision.
//
// A thread's slack is inherited by the threads it creates and kept across execve, and sysmon is
// the runtime's first thread after the main one, made before any of kvd's code runs; so kvd sets the
// slack on its main thread and executes itself again (same process ID, arguments and environment),
// once, at the very start of main (timerslack_linux.go). Elsewhere than on Linux it does nothing.

// timerSlackEnv names the environment variable that sets kvd's timer slack: a Go duration up to
// maxTimerSlack, or "0" or "off" to keep the slack kvd was started with.
const timerSlackEnv = "KVD_TIMER_SLACK"

// timerSlackDefault is kvd's timer slack when KVD_TIMER_SLACK is not set: one tick of a 250 Hz
// kernel, the most that still shortens sysmon's polling on such a kernel.
const timerSlackDefault = 4 * time.Millisecond

// maxTimerSlack bounds KVD_TIMER_SLACK: beyond it a heartbeat could come late enough to matter.
const maxTimerSlack = 10 * time.Millisecond

// timerSlackReexecEnv marks the process kvd executes after setting its slack, so that it never
// executes itself twice.
const timerSlackReexecEnv = "KVD_TIMER_SLACK_SET"

// timerSlackWanted is the slack KVD_TIMER_SLACK asks for (timerSlackDefault when it is unset), 0 when
// kvd is to keep the slack it inherited; a value it cannot take is a usage error (errUsage).
func timerSlackWanted(getenv func(string) (string, bool)) (time.Duration, error) {
	v, ok := getenv(timerSlackEnv)
	if !ok {
		return timerSlackDefault, nil
	}
	switch strings.TrimSpace(v) {
	case "0", "off":
		return 0, nil
	}
	d, err := time.ParseDuration(strings.TrimSpace(v))
	if err != nil {
		return 0, fmt.Errorf("%w: %s=%q: want a duration such as 4ms, or off: %w", errUsage, timerSlackEnv, v, err)
	}
	if d <= 0 || d > maxTimerSlack {
		return 0, fmt.Errorf("%w: %s=%q: want a duration above 0 and at most %v, or off", errUsage, timerSlackEnv, v, maxTimerSlack)
	}
	return d, nil
}
