package v2keys

import (
	"net/http"
	"net/url"

	"github.com/raftlab/raftlab/core/node"
	"github.com/raftlab/raftlab/core/store"
)

// Route says how a request is served.
type Route uint8

const (
	// RouteSubmit is a write or a quorum read, submitted to the node (Call.Request).
	RouteSubmit Route = iota + 1
	// RouteLocalGet is a GET or HEAD answered from the local store (Request.Key, Recursive, Sorted,
	// Now).
	RouteLocalGet
	// RouteWatch is a GET with wait=true: a watcher on Request.Key (Recursive) from WaitIndex, one
	// event or, with Stream, every event.
	RouteWatch
)

// Call is how a parsed request is served and what the node is asked.
type Call struct {
	Route   Route
	Request node.Request
	// NoValueOnSuccess reduces a successful write's answer to its action.
	NoValueOnSuccess bool
	// Stream and WaitIndex are a watch's stream=true and waitIndex.
	Stream    bool
	WaitIndex uint64
}

// Plan is the handler selection of a parsed request (ETCD_V2_API.md §3): quorum reads (even with
// wait=true, as etcd), watches, local reads, and writes by the §3.2-§3.4 tables.
func Plan(method string, p Params) Call {
	switch {
	case method == http.MethodGet && p.Quorum:
		return Call{Route: RouteSubmit, Request: node.Request{Kind: node.KindQuorumGet, Key: p.Key,
			Recursive: p.Recursive, Sorted: p.Sorted, Now: p.Now}}
	case p.Wait:
		return Call{Route: RouteWatch, Request: node.Request{Key: p.Key, Recursive: p.Recursive, Now: p.Now},
			Stream: p.Stream, WaitIndex: p.WaitIndex}
	case method == http.MethodGet || method == http.MethodHead:
		return Call{Route: RouteLocalGet, Request: node.Request{Key: p.Key, Recursive: p.Recursive,
			Sorted: p.Sorted, Now: p.Now}}
	}
	return Call{Route: RouteSubmit, Request: node.Request{Kind: node.KindWrite, Write: WriteRequest(method, p)},
		NoValueOnSuccess: p.NoValueOnSuccess}
}

// Translate parses a request and plans it: Parse then Plan.
func Translate(method, key string, form url.Values, now int64, lim Limits) (Call, *store.Error) {
	p, err := Parse(method, key, form, now, lim)
	if err != nil {
		return Call{}, err
	}
	return Plan(method, p), nil
}

// WriteRequest turns a parsed PUT, POST or DELETE into the store request etcd would propose
// (ETCD_V2_API.md §3.2, §3.3, §3.4).
func WriteRequest(method string, p Params) store.Request {
	r := store.Request{
		Key:        p.Key,
		Value:      p.Value,
		Dir:        p.Dir,
		PrevValue:  p.PrevValue,
		PrevIndex:  p.PrevIndex,
		Recursive:  p.Recursive,
		Refresh:    p.Refresh,
		Expiration: p.Expiration,
		HasTTL:     p.HasTTL,
		Time:       p.Now,
	}
	switch method {
	case http.MethodPost:
		r.Op = store.OpCreateInOrder
	case http.MethodDelete:
		r.Op = deleteOp(p)
	default:
		r.Op = putOp(p)
	}
	return r
}

// putOp is the §3.2 handler-selection table, checked in order.
func putOp(p Params) store.Op {
	switch {
	case p.PrevExist != nil && *p.PrevExist:
		if p.PrevIndex == 0 && p.PrevValue == "" {
			return store.OpUpdate
		}
		return store.OpCompareAndSwap
	case p.PrevExist != nil:
		return store.OpCreate
	case p.PrevIndex > 0 || p.PrevValue != "":
		return store.OpCompareAndSwap
	default:
		return store.OpSet
	}
}

// deleteOp is the §3.4 table.
func deleteOp(p Params) store.Op {
	if p.PrevIndex > 0 || p.PrevValue != "" {
		return store.OpCompareAndDelete
	}
	return store.OpDelete
}
