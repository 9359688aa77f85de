// Package fakeetcd is a small, in-memory stand-in for an etcd v2 server, good enough to test
// kvctl in-process: keys (get, set, create, update, compareAndSwap, in-order create, delete,
// compareAndDelete, directories), watches (history and blocking, with headers flushed at
// once), the members API, /health, basic auth, and switches for "no leader" and "unhealthy".
//
// It answers with the JSON shapes, status codes, headers and error texts of
// /work/shared/ETCD_V2_API.md. It is not a store implementation: TTLs are echoed but never
// expire, and unsorted listings come back in reverse key order so that tests can tell whether a
// client asked for sorting.
package fakeetcd
