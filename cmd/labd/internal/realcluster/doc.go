// Package realcluster runs a kvd cluster as real processes on 127.0.0.1 for `labd real`: one
// process per member with its own data directory and free ports, and a fault-injecting TCP proxy
// in front of every member's peer port so that each directed peer link can be cut (a partition, a
// one-way cut) or slowed down (an added delay). Crashes are kill -9 of the process group, restarts
// start the member again from its data directory, and pauses are SIGSTOP/SIGCONT.
//
// kvd's peer streams are one-way (see core/transport): the dialing member writes, the accepting
// member reads. Every member advertises its proxy's address as its peer URL, so every stream that
// reaches a member crosses that member's proxy; the proxy reads the stream's hello to learn which
// member dialed, and so which directed link the stream carries.
package realcluster
