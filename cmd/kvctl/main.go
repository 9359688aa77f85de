// Command kvctl is an etcdctl (v2 API) compatible command-line client for raftlab's kvd and any
// etcd v2 server: `kvctl [global flags] command [command flags] args`.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := runContext(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}
