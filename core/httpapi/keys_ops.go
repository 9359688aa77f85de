package httpapi

import (
	"net/http"

	"github.com/raftlab/raftlab/core/store"
)

// writeRequest turns a parsed PUT, POST or DELETE into the store request etcd would propose
// (ETCD_V2_API.md §3.2, §3.3, §3.4).
func writeRequest(method string, p keyParams) store.Request {
	r := store.Request{
		Key:        p.key,
		Value:      p.value,
		Dir:        p.dir,
		PrevValue:  p.prevValue,
		PrevIndex:  p.prevIndex,
		Recursive:  p.recursive,
		Refresh:    p.refresh,
		Expiration: p.expiration,
		HasTTL:     p.hasTTL,
		Time:       p.now,
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
func putOp(p keyParams) store.Op {
	switch {
	case p.prevExist != nil && *p.prevExist:
		if p.prevIndex == 0 && p.prevValue == "" {
			return store.OpUpdate
		}
		return store.OpCompareAndSwap
	case p.prevExist != nil:
		return store.OpCreate
	case p.prevIndex > 0 || p.prevValue != "":
		return store.OpCompareAndSwap
	default:
		return store.OpSet
	}
}

// deleteOp is the §3.4 table.
func deleteOp(p keyParams) store.Op {
	if p.prevIndex > 0 || p.prevValue != "" {
		return store.OpCompareAndDelete
	}
	return store.OpDelete
}
