package v2keys

import (
	"math"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"time"

	"github.com/raftlab/raftlab/core/node"
	"github.com/raftlab/raftlab/core/store"
)

// Params is a parsed /v2/keys request (etcd's parseKeyRequest).
type Params struct {
	Key              string
	Value            string
	Dir              bool
	Recursive        bool
	Sorted           bool
	Wait             bool
	Quorum           bool
	Stream           bool
	NoValueOnSuccess bool
	PrevValue        string
	PrevIndex        uint64
	WaitIndex        uint64
	PrevExist        *bool
	Refresh          bool
	HasTTL           bool
	Expiration       int64 // unix ns, valid when HasTTL
	Now              int64 // unix ns, the clock reading used for expiration
}

// Limits are the sizes a request may reach.
type Limits struct {
	// MaxKeyBytes caps the cleaned key; over it a request gets 400/209.
	MaxKeyBytes int
	// MaxRequestBytes caps the payload of a write (key, value and prevValue together); over it a
	// write gets 400/210.
	MaxRequestBytes int64
}

// DefaultLimits are kvd's: the store's longest key and the node's largest proposal.
func DefaultLimits() Limits {
	return Limits{MaxKeyBytes: store.MaxKeyBytes, MaxRequestBytes: node.DefaultMaxRequestBytes}
}

// Parse parses a request for key (the path below /v2/keys) with its form values the way etcd v3.5
// does, in the same order, so the first bad parameter gives the same error (ETCD_V2_API.md §1, §3,
// §5, §6); now (unix ns) is the clock reading TTLs count from. Errors carry index 0.
func Parse(method, key string, form url.Values, now int64, lim Limits) (Params, *store.Error) {
	var p Params
	p.Key = path.Clean("/" + key)
	if len(p.Key) > lim.MaxKeyBytes {
		return p, store.KeyTooLong(len(p.Key), lim.MaxKeyBytes, 0)
	}
	var err error
	if p.PrevIndex, err = formUint(form, "prevIndex"); err != nil {
		return p, store.NewError(store.EcodeIndexNaN, `invalid value for "prevIndex"`, 0)
	}
	if p.WaitIndex, err = formUint(form, "waitIndex"); err != nil {
		return p, store.NewError(store.EcodeIndexNaN, `invalid value for "waitIndex"`, 0)
	}
	for _, b := range []struct {
		name string
		dst  *bool
	}{{"recursive", &p.Recursive}, {"sorted", &p.Sorted}, {"wait", &p.Wait}, {"dir", &p.Dir},
		{"quorum", &p.Quorum}, {"stream", &p.Stream}} {
		if *b.dst, err = formBool(form, b.name); err != nil {
			return p, store.NewError(store.EcodeInvalidField, `invalid value for "`+b.name+`"`, 0)
		}
	}
	if p.Wait && method != http.MethodGet {
		return p, store.NewError(store.EcodeInvalidField, `"wait" can only be used with GET requests`, 0)
	}
	p.PrevValue = form.Get("prevValue")
	if _, ok := form["prevValue"]; ok && p.PrevValue == "" {
		return p, store.NewError(store.EcodePrevValueRequired, `"prevValue" cannot be empty`, 0)
	}
	if p.NoValueOnSuccess, err = formBool(form, "noValueOnSuccess"); err != nil {
		return p, store.NewError(store.EcodeInvalidField, `invalid value for "noValueOnSuccess"`, 0)
	}
	p.Now = now
	if form.Get("ttl") != "" {
		ttl, err := formUint(form, "ttl")
		if err != nil || ttl > uint64(math.MaxInt64-p.Now)/uint64(time.Second) {
			return p, store.NewError(store.EcodeTTLNaN, `invalid value for "ttl"`, 0)
		}
		p.HasTTL, p.Expiration = true, p.Now+int64(ttl)*int64(time.Second)
	}
	if _, ok := form["prevExist"]; ok {
		pe, err := formBool(form, "prevExist")
		if err != nil {
			return p, store.NewError(store.EcodeInvalidField, "invalid value for prevExist", 0)
		}
		p.PrevExist = &pe
	}
	p.Value = form.Get("value")
	if _, ok := form["refresh"]; ok {
		if p.Refresh, err = formBool(form, "refresh"); err != nil {
			return p, store.NewError(store.EcodeInvalidField, "invalid value for refresh", 0)
		}
		if p.Refresh && p.Value != "" {
			return p, store.NewError(store.EcodeRefreshValue, "A value was provided on a refresh", 0)
		}
		if p.Refresh && !p.HasTTL {
			return p, store.NewError(store.EcodeRefreshTTLRequired, "No TTL value set", 0)
		}
	}
	if method != http.MethodGet && method != http.MethodHead &&
		int64(len(p.Key))+int64(len(p.Value))+int64(len(p.PrevValue)) > lim.MaxRequestBytes {
		// A body within the limit can still carry more: a prevValue (or value) in the query string.
		return p, RequestTooLarge()
	}
	return p, nil
}

// RequestTooLarge is the error for a write whose payload is over the limit: 400/210 with etcd's
// text for a request over --max-request-bytes.
func RequestTooLarge() *store.Error {
	return store.NewError(store.EcodeInvalidForm, node.ErrTooLarge.Error(), 0)
}

// formUint parses the first value of name as a decimal uint64 (0 when absent; "" is an error).
func formUint(form url.Values, name string) (uint64, error) {
	vs, ok := form[name]
	if !ok {
		return 0, nil
	}
	return strconv.ParseUint(vs[0], 10, 64)
}

// formBool parses the first value of name with strconv.ParseBool (false when absent).
func formBool(form url.Values, name string) (bool, error) {
	vs, ok := form[name]
	if !ok {
		return false, nil
	}
	return strconv.ParseBool(vs[0])
}
