package httpapi

import (
	"net/http"
	"strings"

	"github.com/raftlab/raftlab/core/store"
	"github.com/raftlab/raftlab/core/v2keys"
)

// parseKeyParams reads r's form (query and body, the body within MaxRequestBytes; a held body in
// place, see heldForm) and parses the
// request through the API's translation (v2keys.Parse) at the clock's current reading.
func (h *handler) parseKeyParams(w http.ResponseWriter, r *http.Request) (v2keys.Params, *store.Error) {
	form, ok := heldForm(r, h.cfg.MaxRequestBytes)
	if !ok {
		if r.Body != nil {
			r.Body = http.MaxBytesReader(w, r.Body, h.cfg.MaxRequestBytes)
		}
		if err := r.ParseForm(); err != nil {
			return v2keys.Params{}, formError(err)
		}
		form = r.Form
	}
	return v2keys.Parse(r.Method, r.URL.Path[len(keysPrefix):], form, h.cfg.Clock().UnixNano(),
		v2keys.Limits{MaxKeyBytes: h.cfg.MaxKeyBytes, MaxRequestBytes: h.cfg.MaxRequestBytes})
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
