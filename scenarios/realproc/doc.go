// Package realproc runs an etcd-compatible cluster as real processes on 127.0.0.1: any server
// binary that takes etcd's flags, kvd or a real etcd (see scenarios/etcdref). It is the project's
// one real-process harness: labd real (through scenarios/run's real driver), the kvd end-to-end and
// crash-loop tests and the differential suite (scenarios/parity) all start their servers here.
//
// Each member gets free ports, its own data directory and a log file kept for failures; members
// can be killed (kill -9), stopped (SIGTERM), paused (SIGSTOP), resumed and restarted from their
// data directory, and the cluster can grow and shrink at runtime through the members API, a new
// member being started with --initial-cluster-state existing (AddMember, RemoveMember).
//
// Start returns only when every member serves clients and has published itself: /health answers
// 200, /v2/members lists every member with its name and client URLs, and the cluster version is
// decided. Only then does the first client request behave the same on kvd and on etcd.
//
// With Config.Proxies every member advertises the address of a fault-injecting proxy in front of
// its peer port (Network): each directed link between two members can be cut or delayed. The
// proxies learn which member dialed a connection from the operating system (IdentifyByProcess),
// not from the servers' protocol, so they work for kvd's peer streams and etcd's alike.
//
// MemberStatus observes a member the way any etcd-compatible server allows: its role from
// /v2/stats/self and /v2/stats/leader, its term and commit index from a local read's X-Raft-Term
// and X-Raft-Index headers.
package realproc
