// Package store is the etcd v2 key space as a deterministic state machine.
//
// A Store holds a tree of directories and files (ETCD_V2_API.md §2–§8), one etcd index counter for
// the whole key space, a window of the last 1000 events (at most HistoryMaxBytes of them) for
// watches, a TTL queue and a hidden
// internal namespace for cluster membership records. Committed Raft entries are turned into Requests
// and applied in log order with Apply; reads (Get) and watches (Watch) are local.
//
// The package follows the determinism contract of DESIGN.md: it never reads a clock (time is carried
// in requests), starts no goroutines and never lets map order reach an output. Watch delivery is
// synchronous: live events are queued on the watchers' channels inside Apply. Save produces the same
// bytes for the same state, so replicas can compare snapshots.
//
// A mutex guards the store, so watchers may be removed and stats read from other goroutines while
// the node applies entries.
package store
