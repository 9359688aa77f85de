package httpapi

import (
	"encoding/json"
	"errors"
	"net/http"
	"path"
	"strings"

	"github.com/raftlab/raftlab/core/node"
)

// Auth route prefixes (etcd's auth_api.md).
const (
	authPrefix      = "/v2/auth"
	authUsersPrefix = "/v2/auth/users"
	authRolesPrefix = "/v2/auth/roles"
)

// serveAuthEnable is /v2/auth/enable: GET tells whether auth is on, PUT turns it on (a root user
// must exist; a missing guest role is created with full access), DELETE turns it off (root only).
func (h *handler) serveAuthEnable(w http.ResponseWriter, r *http.Request) {
	if !allowMethod(w, r.Method, http.MethodGet, http.MethodPut, http.MethodDelete) {
		return
	}
	if r.Method != http.MethodGet && !h.hasRootAccess(r) {
		writeAuthNoAuth(w)
		return
	}
	h.authAnswerHeaders(w)
	if r.Method == http.MethodGet {
		_ = writeJSONLine(w, http.StatusOK, struct {
			Enabled bool `json:"enabled"`
		}{h.auth.enabled()})
		return
	}
	h.authWrites.Lock()
	defer h.authWrites.Unlock()
	r = h.withCaller(r)
	var err error
	if r.Method == http.MethodPut {
		err = h.enableAuth(r)
	} else {
		err = h.disableAuth(r)
	}
	if err != nil {
		h.writeAuthError(w, err)
		return
	}
	w.WriteHeader(http.StatusOK)
}

func (h *handler) enableAuth(r *http.Request) error {
	if h.auth.enabled() {
		return authErrorf(http.StatusConflict, "already enabled")
	}
	if !h.auth.supported() {
		return authErrorf(http.StatusConflict, "No root user available, please create one")
	}
	if _, err := h.auth.user(rootName); err != nil {
		return authErrorf(http.StatusConflict, "No root user available, please create one")
	}
	if _, err := h.auth.role(guestRole); err != nil {
		var ae *authError
		if !errors.As(err, &ae) {
			return err
		}
		// Created only if still missing: a guest role another member changed meanwhile stays as it is.
		err := h.auth.putIf(r.Context(), authRolesDir+"/"+guestRole, defaultGuestRole(), 0)
		if err != nil && !errors.Is(err, errConcurrentChange) {
			return err
		}
	}
	return h.auth.put(r.Context(), authEnabledPath, "true")
}

func (h *handler) disableAuth(r *http.Request) error {
	if !h.auth.enabled() {
		return authErrorf(http.StatusConflict, "already disabled")
	}
	return h.auth.put(r.Context(), authEnabledPath, "false")
}

// authTarget checks the common parts of a users or roles request, in etcd's order: the path
// (cleaned, then at most one segment after the collection: the record's name, "" for the
// collection), the method, root access. ok is false once answered.
func (h *handler) authTarget(w http.ResponseWriter, r *http.Request, prefix string) (name string, ok bool) {
	if !h.auth.supported() {
		http.NotFound(w, r)
		return "", false
	}
	if r.URL.Path != prefix {
		pieces := strings.Split(path.Clean(strings.TrimPrefix(r.URL.Path, authPrefix)), "/")
		switch len(pieces) {
		case 2: // the collection: "/users"
		case 3:
			name = pieces[2]
		default:
			writeHTTPError(w, http.StatusBadRequest, "Invalid path")
			return "", false
		}
	}
	methods := []string{http.MethodGet, http.MethodPut, http.MethodDelete}
	if name == "" {
		methods = methods[:1]
	}
	if !allowMethod(w, r.Method, methods...) {
		return "", false
	}
	if !h.hasRootAccess(r) {
		writeAuthNoAuth(w)
		return "", false
	}
	h.authAnswerHeaders(w)
	return name, true
}

// authAnswerHeaders sets what etcd sets on every auth answer once the caller may have it (a 401
// goes without): the cluster ID, and the JSON content type even on an empty 200.
func (h *handler) authAnswerHeaders(w http.ResponseWriter) {
	h.clusterIDHeader(w)
	w.Header().Set("Content-Type", "application/json")
}

// decodeAuthBody reads a JSON body into v; a bad body is etcd's 400.
func (h *handler) decodeAuthBody(w http.ResponseWriter, r *http.Request, v any) error {
	body := http.MaxBytesReader(w, r.Body, h.cfg.MaxRequestBytes)
	if err := json.NewDecoder(body).Decode(v); err != nil {
		return &authError{status: http.StatusBadRequest, msg: "Invalid JSON in request body."}
	}
	return nil
}

// writeAuthError answers an auth API failure: an authError as itself, a record too large for one
// request as etcd's 400 "request is too large" (the client's fault: not a 500 it would retry on
// another member), anything else as a 500.
func (h *handler) writeAuthError(w http.ResponseWriter, err error) {
	var ae *authError
	if errors.As(err, &ae) {
		writeHTTPError(w, ae.status, ae.msg)
		return
	}
	if errors.Is(err, node.ErrTooLarge) {
		writeHTTPError(w, http.StatusBadRequest, node.ErrTooLarge.Error())
		return
	}
	h.cfg.Logger.Warn("httpapi: auth request failed", "err", err)
	writeHTTPError(w, http.StatusInternalServerError, err.Error())
}
