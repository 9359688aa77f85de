// Command etcdctl is the real etcdctl v3.5.33 in its v2 mode (ctlv2), the client the talk uses.
package main

import "go.etcd.io/etcd/etcdctl/v3/ctlv2"

func main() { ctlv2.MustStart() }
