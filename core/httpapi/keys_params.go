package httpapi

import (
	"net/http"

	"github.com/raftlab/raftlab/core/store"
	"github.com/raftlab/raftlab/core/v2keys"
)

// parseKeyParams reads r's form (query and body, the body within MaxRequestBytes) and parses the
// request through the API's translation (v2keys.Parse) at the clock's current reading.
func (h *handler) parseKeyParams(r *http.Request) (v2keys.Params, *store.Error) {
	if err := r.ParseForm(); err != nil {
		return v2keys.Params{}, formError(err)
	}
	return v2keys.Parse(r.Method, r.URL.Path[len(keysPrefix):], r.Form, h.cfg.Clock().UnixNano(),
		v2keys.Limits{MaxKeyBytes: h.cfg.MaxKeyBytes, MaxRequestBytes: h.cfg.MaxRequestBytes})
}
