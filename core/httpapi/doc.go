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
//   - A request body larger than Config.MaxRequestBytes (1.5 MiB, etcd's --max-request-bytes
//     default) is refused while the form is parsed with
//     400 {"errorCode":210,"message":"Invalid POST form","cause":"http: POST too large"}, etcd's
//     answer for a form over Go's 10 MiB limit, the only body limit of etcd's v2 API.
//   - A write whose key, value and prevValue (body or query) add up to more than MaxRequestBytes
//     gets 400/210 with the cause "etcdserver: request is too large", and so does any write the
//     node refuses for its size (the node's limit is the same): never a 500, which clients retry
//     on every member and report as an outage.
//   - A ttl whose expiry overflows int64 nanoseconds is refused with 400/202 instead of wrapping.
//   - A key longer than Config.MaxKeyBytes (default and at most store.MaxKeyBytes, 4096 bytes) is
//     refused with 400/209 "key is too long". etcd resets the connection when the request line of
//     a connection's first request exceeds 4096 bytes, and has no limit on later requests.
//   - /debug/vars and the v2 auth endpoints other than /v2/auth/enable answer 404.
package httpapi
