// Command kvd is raftlab's etcd-compatible key-value server: one member of a Raft cluster serving
// the etcd v2 HTTP API, started with etcd's flags (or ETCD_* environment variables).
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	// First of all: it may execute kvd again (timerslack.go).
	if err := settleTimerSlack(os.LookupEnv, os.Args, os.Environ()); err != nil {
		if errors.Is(err, errUsage) {
			fmt.Fprintf(os.Stderr, "kvd: %v\n", err)
			os.Exit(exitUsage)
		}
		fmt.Fprintf(os.Stderr, "kvd: warning: %v\n", err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go tuneGC(ctx, os.LookupEnv)
	code := run(ctx, os.Args[1:], os.LookupEnv, os.Environ(), os.Stderr)
	stop()
	os.Exit(code)
}
