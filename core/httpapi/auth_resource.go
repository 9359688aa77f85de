package httpapi

import "net/http"

// authResource is one collection of the v2 auth API (users or roles) and its operations.
type authResource struct {
	prefix string
	list   func(w http.ResponseWriter) error
	get    func(w http.ResponseWriter, name string) error
	put    func(w http.ResponseWriter, r *http.Request, name string) error
	del    func(w http.ResponseWriter, r *http.Request, name string) error
}

// serveAuthResource dispatches /v2/auth/<collection>[/<name>]: list, get, create or change, and
// delete. Changes are serialized within this member, and each is a conditional write of the record
// it read (retried from a fresh read when another member changed the record meanwhile).
func (h *handler) serveAuthResource(w http.ResponseWriter, r *http.Request, res authResource) {
	name, ok := h.authTarget(w, r, res.prefix)
	if !ok {
		return
	}
	if r.Method != http.MethodGet {
		h.authWrites.Lock()
		defer h.authWrites.Unlock()
		r = h.withCaller(r)
	}
	var err error
	switch {
	case name == "":
		err = res.list(w)
	case r.Method == http.MethodGet:
		err = res.get(w, name)
	case r.Method == http.MethodPut:
		err = res.put(w, r, name)
	default:
		err = res.del(w, r, name)
	}
	if err != nil {
		h.writeAuthError(w, err)
	}
}
