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
	a := newApp(ctx, os.Stdin, os.Stdout, os.Stderr, os.Getenv)
	a.setEcho = sttyEcho
	code := a.run(os.Args[1:])
	stop()
	os.Exit(code)
}
