// Package v2client is a small client for the etcd v2 HTTP API (keys, members, health) as
// raftlab's kvd and a real etcd started with --enable-v2 serve it.
//
// It places every parameter where go.etcd.io/etcd/client/v2 places it (value, ttl and refresh in
// the form body; dir, prevValue, prevIndex, prevExist and noValueOnSuccess in the query string),
// fails over between endpoints on connection errors and on 500/503 answers, keeps connections
// alive, and bounds the wait for each response's headers with a per-request timeout. A Client is
// safe for concurrent use.
package v2client
