//go:build !linux

package main

// settleTimerSlack does nothing outside Linux (timerslack.go): there is no per-thread timer slack
// to set. KVD_TIMER_SLACK is still checked, so that a bad value is reported everywhere.
func settleTimerSlack(getenv func(string) (string, bool), _, _ []string) error {
	_, err := timerSlackWanted(getenv)
	return err
}
