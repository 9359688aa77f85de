// Command etcdref builds the reference etcd v3.5.33 and its v2 etcdctl (see scenarios/etcdref) and
// prints their paths, one per line, etcd first:
//
//	go run ./cmd/etcdref
//	eval "$(go run ./cmd/etcdref -env)"   # ETCD_BIN=... ETCDCTL_BIN=...
package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/raftlab/raftlab/scenarios/etcdref"
)

func main() {
	env := flag.Bool("env", false, "print ETCD_BIN=... and ETCDCTL_BIN=... for a shell's eval")
	flag.Parse()
	bins, err := etcdref.Build(context.Background())
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if *env {
		fmt.Printf("export ETCD_BIN=%q ETCDCTL_BIN=%q\n", bins.Etcd, bins.Etcdctl)
		return
	}
	fmt.Println(bins.Etcd)
	fmt.Println(bins.Etcdctl)
}
