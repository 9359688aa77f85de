// Package v2keys is the etcd v2 keys API's translation, without sockets or clock: a request (method,
// key, form values, the clock reading it is served at) becomes what the member is asked (a write or
// quorum read submitted to the node, a local read, a watch, or an immediate error), and what the
// member answered becomes the status code, headers and body bytes an HTTP client receives
// (ETCD_V2_API.md §3, §6, §8). Decode is the other end: what an HTTP client makes of those bytes.
//
// core/httpapi serves it over net/http; the simulator's node host (netsim/nodehost) runs the same
// functions in virtual time, so every simulated request goes through the API as a real one does.
// The package is under the determinism contract (netsim's lint): no clock, no goroutines.
package v2keys
