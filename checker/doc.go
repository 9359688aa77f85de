// Package checker decides whether a raftlab run behaved: it checks recorded client histories for
// linearizability with porcupine (per key, plus a separate pass over the global v2 index), labels stale
// local reads, checks watch streams, and monitors Raft's safety invariants as a simulation runs.
//
// The record types live in the stdlib-only package checker/history, so that the simulator can record
// without importing porcupine.
//
// # Why checking each key on its own is sound
//
// In the v2 store the value, existence and modifiedIndex of a key change only through operations on that
// key; no operation reads or writes two keys. So any linearization of the whole history, restricted to
// one key, is a linearization of that key's operations (Herlihy and Wing's locality), and a key whose
// operations cannot be linearized proves the whole history is not linearizable. The one thing that ties
// keys together is the global index counter: each successful write takes the next index. The per-key
// model therefore takes the indexes the server returned as given and only checks that they grow along
// the key's linearization; the cross-key facts (every write index is unique, an operation that finished
// before a write began saw a smaller index, every index a read reports belongs to a write of that key)
// are checked by a separate pass over all keys. Each check is a necessary condition of linearizability,
// so every violation reported is real. (The split can miss the rare violation that shows only as a clash
// between the orders chosen for two different keys.)
//
// # Unknown outcomes
//
// A write whose outcome is unknown may take effect at any time after its call, or never, so porcupine
// gets it with Return = +inf. Before the search, each key's history is reduced to an equivalent one
// (same verdict, proof in reduce.go): such a write is closed at the first read or successful compare
// of its (unique) value, dropped when nothing could tell its effect from no effect, and dropped when
// its precondition can no longer hold when it is called. The writes still pending are then searched up
// to symmetry (proof in symmetry.go): values nobody observed share one stand-in, and writes with the
// same effect are placed in call order, so k interchangeable pending writes cost k+1 search states
// instead of 2^k. The visualisation draws the history as recorded.
//
// # TTLs
//
// A key with a TTL vanishes without a client operation, so the history carries the cluster's expiries
// (expire and sync records, see checker/history) and each key's model state keeps its expiration. An
// expire is legal only on a key that has a TTL not due after the leader clock reading of the expiry
// entry, and a sync (one expiry entry) only when no key is due by its reading: a key disappears when,
// and only when, the first expiry entry whose leader clock is at or after its expiration is applied.
// Clock readings are compared with each other only, never with call or return times, so clock skew is
// judged as etcd behaves. A sync concerns every key: each key that ever has a TTL gets its own copy.
//
// The two rewrites are what make long chaos histories checkable: the worst key of 1,000
// chaos-standard seeds went from 6.9 s to under a millisecond, and a 100,000-operation history of the
// standard chaos workload checks in about half a second on one core (BenchmarkCheckChaos100k in
// package scenarios).
package checker
