// Package timerslack reads and sets the Linux timer slack of the calling thread (prctl
// PR_GET_TIMERSLACK / PR_SET_TIMERSLACK) and reads any thread's from /proc. A thread's slack is
// inherited by the threads and processes it creates and kept across execve: kvd sets its own at
// start (cmd/kvd/timerslack.go), and the A/B harness starts etcd with one (-etcd-timer-slack).
// The callers lock the goroutine to its thread around Thread and SetThread.
package timerslack
