package httpapi

import (
	"context"
	"net/http"

	"github.com/raftlab/raftlab/core/store"
)

// The auth decision of a write is taken twice. The handler refuses at once what this member's
// auth records refuse; what it lets through carries its caller (store.Caller), and the store
// decides again when it applies the write, in log order, on every member alike. So a permission
// taken away before the write's turn in the log refuses it, wherever it was sent and however far
// behind that member was: an auth change is in force on every member from the moment it commits.

// writeCaller is who r is for the store's check: the user its basic-auth credentials name, with
// the stored password hash they matched here (none when they matched nothing here, which the store
// refuses once auth is on), the user a verified client certificate names, or a guest.
func (h *handler) writeCaller(r *http.Request) *store.Caller {
	name, password, has := r.BasicAuth()
	if !has {
		if cn := certificateName(r); cn != "" {
			return &store.Caller{User: cn, Cert: true}
		}
		return &store.Caller{}
	}
	c := &store.Caller{User: name}
	if !h.auth.supported() {
		return c
	}
	if u, err := h.auth.user(name); err == nil && h.passwords.check(u.Password, password) {
		c.PasswordTag = store.PasswordTag(u.Password)
	}
	return c
}

// callerKey is the context key of the caller of an auth API change.
type callerKey struct{}

// withCaller returns r with its caller in its context, for the internal writes made on its
// behalf (authStore.do).
func (h *handler) withCaller(r *http.Request) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), callerKey{}, h.writeCaller(r)))
}

// callerFrom is the caller withCaller stored in ctx, nil if none.
func callerFrom(ctx context.Context) *store.Caller {
	c, _ := ctx.Value(callerKey{}).(*store.Caller)
	return c
}
