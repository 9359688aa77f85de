// Package httpapi serves the etcd v2 HTTP API (ETCD_V2_API.md) on top of a running member: keys
// (reads, writes, watches), members, stats, version, health, machines and metrics. Responses are
// byte-compatible with etcd v3.5.33 started with --enable-v2, so curl, etcdctl (API 2) and
// go.etcd.io/etcd/client/v2 work unchanged.
//
// The handler is a thin translation layer: it parses and validates a request exactly the way etcd
// does, turns it into a node.Request (writes carry an absolute expiry computed from Config.Clock),
// hands it to the Backend and renders the reply. It owns no replicated state.
//
// Deliberate differences from etcd v3.5.33, all in the direction of a clearer error:
//   - A request body larger than Config.MaxRequestBytes is refused while the form is parsed with
//     400 {"errorCode":210,"message":"Invalid POST form","cause":"http: request body too large"}
//     (etcd would accept up to Go's 10 MB form limit and then fail the proposal with a 500).
//   - A ttl whose expiry overflows int64 nanoseconds is refused with 400/202 instead of wrapping.
//   - A key longer than Config.MaxKeyBytes (when set) is refused with 400/209.
//   - /debug/vars and the v2 auth endpoints other than /v2/auth/enable answer 404.
package httpapi
