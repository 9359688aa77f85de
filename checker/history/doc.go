// Package history defines the records a raftlab run leaves behind for the checker: client operations
// against the etcd v2 key space and the events each watcher saw. It imports only the standard library so
// that the simulator can record histories without pulling in the checker.
//
// # Operation history format
//
// A history is a JSON-lines file: one Op object per line, in any order (the checker sorts by time).
// Blank lines are ignored. Example:
//
//	{"client":0,"kind":"set","key":"/a","value":"v1","call":100,"return":250,"outcome":"ok","index":4,"node":"n1"}
//	{"client":1,"kind":"qget","key":"/a","call":120,"return":300,"outcome":"ok","found":true,"result":"v1","index":4}
//	{"client":2,"kind":"cas","key":"/a","value":"v2","prevValue":"v1","call":310,"return":900,"outcome":"unknown"}
//	{"client":0,"kind":"create","key":"/a","value":"x","call":400,"return":420,"outcome":"fail","errorCode":105}
//
// Fields:
//   - client: the client (process) that issued the operation; each client has at most one operation
//     outstanding at a time.
//   - kind: "get" (local, possibly stale read), "qget" (quorum read), "set", "create" (prevExist=false),
//     "update" (prevExist=true), "cas" (compareAndSwap), "delete", "cad" (compareAndDelete).
//   - key, value, prevValue, prevIndex: the request. value is the value written by set/create/update/cas;
//     prevValue and prevIndex are the compare arguments of cas/cad (zero means "not compared").
//   - call, return: invocation and completion times in nanoseconds, virtual or real. For an unknown
//     outcome, return is the time the client gave up; the checker lets such a write take effect at any
//     time after its call, or never.
//   - outcome: "ok", "fail" (the request definitely had no effect; errorCode says why) or "unknown"
//     (timeout, connection lost: it may or may not have taken effect).
//   - found, result: for reads, whether the key existed and the value read.
//   - index: the modifiedIndex of the node read or written (for a delete/cad, the index of the deletion).
//     Zero means "not recorded".
//   - errorCode: the etcd error code of a fail (100 key not found, 101 compare failed, 105 key exists, ...).
//     A fail with code 0 means "the operation's precondition did not hold" without saying which.
//   - node: the server that answered, to label stale reads.
//   - ttl, expiration, refresh: a write's TTL as asked (ns), when the key it left expires (the
//     accepting member's clock reading plus the TTL, unix ns, as the cluster recorded it; 0 when
//     unknown, e.g. for an unknown outcome), and refresh=true (the key keeps its value, gets a new TTL).
//
// # TTL expiry records
//
// Keys with a TTL vanish without a client operation, so a history that has TTL keys also carries
// what the cluster did to them, as two more kinds of records (client is meaningless for them):
//
//		{"client":0,"kind":"expire","key":"/lock","call":3100,"return":3140,"outcome":"ok","index":12,"clock":1767225603050000000}
//		{"client":0,"kind":"sync","call":3102,"return":3102,"outcome":"ok","clock":1767225603050000000}
//
//	  - expire: the cluster expired key at index (its own index, as a watcher sees the expire event).
//	    clock is the leader clock reading of the expiry entry that did it (0: not known, e.g. on real
//	    processes, where only the expire event is seen). call and return bound when it took effect.
//	  - sync: one expiry entry of the log (key is empty), with its leader clock reading. Every key due
//	    by then must be gone once it is applied.
//
// Clocks and skew: etcd v2 expires keys through the log. The member that accepts a write computes the
// expiration from its own clock; the leader, every half second, proposes an expiry entry carrying its
// own clock reading, and applying that entry deletes every key whose expiration is at or before the
// reading, on every replica at the same index. So a key disappears when, and only when, the first
// expiry entry (in log order) whose leader clock reading is at or after its expiration is applied:
// the checker compares expiration with clock only, never with call or return times (real or virtual
// time), so a skewed leader may expire a key early or late in real time and the history is still
// right, exactly as etcd behaves. call/return times and clock readings are different clocks.
//
// # Watch record format
//
// Watch records are also JSON lines, one WatchRecord per watcher (see WatchRecord): the watched prefix,
// recursive flag, the first index asked for, the events received in order, and whether the watcher got
// error 401 (history cleared), after which nothing more is owed to it.
//
// # Jepsen register logs
//
// ReadJepsen imports Jepsen's etcd register logs (as published with porcupine's test data) into the same
// Op form, on the single key "r", with line numbers as the logical clock.
package history
