package httpapi

import (
	"math"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/raftlab/raftlab/core/store"
)

// keyParams is a parsed /v2/keys request (etcd's parseKeyRequest).
type keyParams struct {
	key              string
	authKey          string // the key the auth check sees (authKey)
	value            string
	dir              bool
	recursive        bool
	sorted           bool
	wait             bool
	quorum           bool
	stream           bool
	noValueOnSuccess bool
	prevValue        string
	prevIndex        uint64
	waitIndex        uint64
	prevExist        *bool
	refresh          bool
	hasTTL           bool
	expiration       int64 // unix ns, valid when hasTTL
	now              int64 // unix ns, the clock reading used for expiration
}

// parseKeyParams parses r the way etcd v3.5 does, in the same order, so the first bad parameter
// gives the same error (ETCD_V2_API.md §1, §3, §5, §6). Errors carry index 0.
func (h *handler) parseKeyParams(r *http.Request) (keyParams, *store.Error) {
	var p keyParams
	if err := r.ParseForm(); err != nil {
		return p, formError(err)
	}
	p.key = path.Clean("/" + r.URL.Path[len(keysPrefix):])
	p.authKey = authKey(r.URL.Path[len(keysPrefix):], p.key)
	if len(p.key) > h.cfg.MaxKeyBytes {
		return p, store.KeyTooLong(len(p.key), h.cfg.MaxKeyBytes, 0)
	}
	form := r.Form
	var err error
	if p.prevIndex, err = formUint(form, "prevIndex"); err != nil {
		return p, store.NewError(store.EcodeIndexNaN, `invalid value for "prevIndex"`, 0)
	}
	if p.waitIndex, err = formUint(form, "waitIndex"); err != nil {
		return p, store.NewError(store.EcodeIndexNaN, `invalid value for "waitIndex"`, 0)
	}
	for _, b := range []struct {
		name string
		dst  *bool
	}{{"recursive", &p.recursive}, {"sorted", &p.sorted}, {"wait", &p.wait}, {"dir", &p.dir},
		{"quorum", &p.quorum}, {"stream", &p.stream}} {
		if *b.dst, err = formBool(form, b.name); err != nil {
			return p, store.NewError(store.EcodeInvalidField, `invalid value for "`+b.name+`"`, 0)
		}
	}
	if p.wait && r.Method != http.MethodGet {
		return p, store.NewError(store.EcodeInvalidField, `"wait" can only be used with GET requests`, 0)
	}
	p.prevValue = form.Get("prevValue")
	if _, ok := form["prevValue"]; ok && p.prevValue == "" {
		return p, store.NewError(store.EcodePrevValueRequired, `"prevValue" cannot be empty`, 0)
	}
	if p.noValueOnSuccess, err = formBool(form, "noValueOnSuccess"); err != nil {
		return p, store.NewError(store.EcodeInvalidField, `invalid value for "noValueOnSuccess"`, 0)
	}
	p.now = h.cfg.Clock().UnixNano()
	if form.Get("ttl") != "" {
		ttl, err := formUint(form, "ttl")
		if err != nil || ttl > uint64(math.MaxInt64-p.now)/uint64(time.Second) {
			return p, store.NewError(store.EcodeTTLNaN, `invalid value for "ttl"`, 0)
		}
		p.hasTTL, p.expiration = true, p.now+int64(ttl)*int64(time.Second)
	}
	if _, ok := form["prevExist"]; ok {
		pe, err := formBool(form, "prevExist")
		if err != nil {
			return p, store.NewError(store.EcodeInvalidField, "invalid value for prevExist", 0)
		}
		p.prevExist = &pe
	}
	p.value = form.Get("value")
	if _, ok := form["refresh"]; ok {
		if p.refresh, err = formBool(form, "refresh"); err != nil {
			return p, store.NewError(store.EcodeInvalidField, "invalid value for refresh", 0)
		}
		if p.refresh && p.value != "" {
			return p, store.NewError(store.EcodeRefreshValue, "A value was provided on a refresh", 0)
		}
		if p.refresh && !p.hasTTL {
			return p, store.NewError(store.EcodeRefreshTTLRequired, "No TTL value set", 0)
		}
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		if err := h.checkPayload(p); err != nil {
			return p, err
		}
	}
	return p, nil
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

// authKey is the key an auth check looks at. etcd checks the path after /v2/keys as it came,
// uncleaned: a trailing slash counts ("/app/" is under "/app/*", "/app" is not) and /v2/keys
// itself is "". kvd does the same, but for dot segments (only an escaped one, %2E%2E, gets past
// the router's redirect): there etcd lets "/app/../other" pass as under "/app/*" and then serves
// "/other"; kvd checks the key it will serve, with its trailing slash.
func authKey(raw, clean string) string {
	switch {
	case raw == "":
		return ""
	case strings.HasSuffix(raw, "/") && clean != "/":
		return clean + "/"
	}
	return clean
}
