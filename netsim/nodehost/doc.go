// Package nodehost runs the real core/node.Node inside netsim: a Process adapter that translates the
// simulator's neutral requests into node requests and the node's replies back, and disks built on
// core/wal over the in-memory, crashable core/wal/memfs file system (or a lighter in-memory disk).
//
// Configure fills a netsim.Config with both factories:
//
//	cfg := nodehost.Configure(netsim.Config{Seed: 7, Nodes: 5}, nodehost.Options{})
//	sim, err := netsim.New(cfg)
package nodehost
