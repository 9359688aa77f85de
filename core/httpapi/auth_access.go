package httpapi

import (
	"net/http"
	"slices"

	"github.com/raftlab/raftlab/core/store"
)

// causeInsufficientCredentials is etcd's cause for every refused request.
const causeInsufficientCredentials = "Insufficient credentials"

// caller is who sent a request: a user whose basic-auth password matched, or nobody (guest).
type caller struct {
	user  authUser
	guest bool
}

// identify reads the request's credentials as etcd does. Without an Authorization header, a
// client certificate that the server verified (--client-cert-auth) names the user by its common
// name; otherwise the caller is a guest. With one, it must be basic auth naming a user and its
// password: ok is false otherwise (such a request is refused, never downgraded to guest).
func (h *handler) identify(r *http.Request) (c caller, ok bool) {
	if r.Header.Get("Authorization") == "" {
		if u, found := h.certificateUser(r); found {
			return caller{user: u}, true
		}
		return caller{guest: true}, true
	}
	name, password, has := r.BasicAuth()
	if !has {
		return caller{}, false
	}
	u, err := h.auth.user(name)
	if err != nil || !h.passwords.check(u.Password, password) {
		return caller{}, false
	}
	return caller{user: u}, true
}

// roles are the caller's roles: the guest role for a guest (none if it was deleted).
func (h *handler) callerRoles(c caller) []authRole {
	names := c.user.Roles
	if c.guest {
		names = []string{guestRole}
	}
	var out []authRole
	for _, n := range names {
		if r, err := h.auth.role(n); err == nil {
			out = append(out, r)
		}
	}
	return out
}

// canAccessKey reports whether r may read (or write) key, recursively or not. With auth disabled
// everyone may; with it enabled the caller needs a role whose patterns cover the key. As in etcd,
// key is the request's path after /v2/keys, not cleaned, and a guest's access is checked as a
// single key's even for a recursive request.
func (h *handler) canAccessKey(r *http.Request, key string, write, recursive bool) bool {
	if !h.auth.enabled() {
		return true
	}
	c, ok := h.identify(r)
	if !ok {
		return false
	}
	if c.guest {
		recursive = false
	}
	for _, role := range h.callerRoles(c) {
		if role.allows(key, write, recursive) {
			return true
		}
	}
	return false
}

// hasRootAccess reports whether r may manage users, roles and auth itself: anyone while auth is
// disabled, afterwards only a user holding the root role.
func (h *handler) hasRootAccess(r *http.Request) bool {
	if !h.auth.enabled() {
		return true
	}
	c, ok := h.identify(r)
	return ok && !c.guest && slices.Contains(c.user.Roles, rootName)
}

// writeKeyNoAuth is the keys API refusal: 401 with error 110.
func writeKeyNoAuth(w http.ResponseWriter) {
	writeStoreError(w, store.NewError(store.EcodeUnauthorized, causeInsufficientCredentials, 0))
}

// writeAuthNoAuth is the auth API refusal: 401 {"message":"Insufficient credentials"}.
func writeAuthNoAuth(w http.ResponseWriter) {
	writeHTTPError(w, http.StatusUnauthorized, causeInsufficientCredentials)
}

// certificateUser is the user named by the common name of the request's verified client
// certificate, if there is one and such a user exists.
func (h *handler) certificateUser(r *http.Request) (authUser, bool) {
	cn := certificateName(r)
	if cn == "" {
		return authUser{}, false
	}
	u, err := h.auth.user(cn)
	return u, err == nil
}

// certificateName is the common name of the request's verified client certificate, "" if none.
func certificateName(r *http.Request) string {
	if r.TLS == nil || len(r.TLS.VerifiedChains) == 0 || len(r.TLS.VerifiedChains[0]) == 0 {
		return ""
	}
	return r.TLS.VerifiedChains[0][0].Subject.CommonName
}
