package httpapi

import (
	"net/http"
	"net/url"
	"time"

	"github.com/raftlab/raftlab/core/node"
)

// KeysRoute says how the keys API serves a request.
type KeysRoute uint8

const (
	// RouteSubmit: a write or a quorum read, submitted to the node (KeysCall.Request).
	RouteSubmit KeysRoute = iota + 1
	// RouteLocalGet: a GET or HEAD answered from the local store (Request.Key, Recursive, Sorted, Now).
	RouteLocalGet
	// RouteWatch: a GET with wait=true.
	RouteWatch
)

// KeysCall is a parsed /v2/keys request: how it is served and what the node is asked.
type KeysCall struct {
	Route   KeysRoute
	Request node.Request
	// NoValueOnSuccess reduces a successful write's answer to its action.
	NoValueOnSuccess bool
}

// keysCall is the handler selection of a parsed request (ETCD_V2_API.md §3): quorum reads (even
// with wait=true, as etcd), watches, local reads, and writes by the §3.2-§3.4 tables.
func keysCall(method string, p keyParams) KeysCall {
	switch {
	case method == http.MethodGet && p.quorum:
		return KeysCall{Route: RouteSubmit, Request: node.Request{Kind: node.KindQuorumGet, Key: p.key,
			Recursive: p.recursive, Sorted: p.sorted, Now: p.now}}
	case p.wait:
		return KeysCall{Route: RouteWatch, Request: node.Request{Key: p.key, Recursive: p.recursive, Now: p.now}}
	case method == http.MethodGet || method == http.MethodHead:
		return KeysCall{Route: RouteLocalGet, Request: node.Request{Key: p.key, Recursive: p.recursive,
			Sorted: p.sorted, Now: p.now}}
	}
	return KeysCall{Route: RouteSubmit, Request: node.Request{Kind: node.KindWrite, Write: writeRequest(method, p)},
		NoValueOnSuccess: p.noValueOnSuccess}
}

// TranslateKeys parses a /v2/keys request for key (the path below /v2/keys) with its form values
// exactly as the handler does, parameter checks and their errors included, and returns what the
// handler would do with it, without serving it. now (unix ns) is the clock reading TTLs count from.
// The lab's simulated clients send their requests through it, so that simulations run the API's
// translation rather than a copy of it.
func TranslateKeys(method, key string, form url.Values, now int64) (KeysCall, error) {
	h := &handler{cfg: Config{Clock: func() time.Time { return time.Unix(0, now) }}.withDefaults()}
	r := &http.Request{Method: method, URL: &url.URL{Path: keysPrefix + key}, Form: form, PostForm: url.Values{}}
	p, perr := h.parseKeyParams(r)
	if perr != nil {
		return KeysCall{}, perr
	}
	return keysCall(method, p), nil
}
