// Command etcd is the real etcd v3.5.33 server, built from the Go module proxy so that the project
// can compare kvd with it in the same run (differential tests, benchmarks, stories on real processes).
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
