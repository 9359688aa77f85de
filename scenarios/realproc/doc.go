// Package realproc runs an etcd-compatible cluster as real processes on 127.0.0.1: any server
// binary that takes etcd's flags, kvd or a real etcd (see scenarios/etcdref). Each member gets free
// ports, its own data directory and a log file kept for failures; members can be killed (kill -9),
// stopped (SIGTERM) and restarted from their data directory.
//
// Start returns only when every member serves clients and has published itself: /health answers
// 200, /v2/members lists every member with its name and client URLs, and the cluster version is
// decided. Only then does the first client request behave the same on kvd and on etcd.
//
// A member's peer URL as advertised is kept apart from the address it listens on, so that a
// fault-injecting proxy can later sit between the two (cmd/labd/internal/realcluster's proxies
// and links are meant to move here).
package realproc
