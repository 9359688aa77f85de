package httpapi

import (
	"net/http"
	"reflect"
)

// serveAuthRoles is /v2/auth/roles[/<name>]: list, get, create or change, and delete roles.
func (h *handler) serveAuthRoles(w http.ResponseWriter, r *http.Request) {
	h.serveAuthResource(w, r, authResource{prefix: authRolesPrefix,
		list: h.listRoles, get: h.getRole, put: h.putRole, del: h.deleteRole})
}

func (h *handler) listRoles(w http.ResponseWriter) error {
	names, err := h.auth.roleNames()
	if err != nil {
		return err
	}
	list := struct {
		Roles []authRole `json:"roles"`
	}{Roles: []authRole{}}
	for _, n := range names {
		role, err := h.auth.role(n)
		if err != nil {
			return err
		}
		list.Roles = append(list.Roles, role)
	}
	return writeJSONLine(w, http.StatusOK, list)
}

func (h *handler) getRole(w http.ResponseWriter, name string) error {
	role, err := h.auth.role(name)
	if err != nil {
		return err
	}
	return writeJSONLine(w, http.StatusOK, role)
}

// putRole creates a role (201) when the body grants and revokes nothing, else changes its
// permissions (200), in etcd's order of checks. A role is created as the body gives it (lists in
// their order, null when absent), as etcd stores it; a change gives sorted lists. The root role
// cannot be changed.
func (h *handler) putRole(w http.ResponseWriter, r *http.Request, name string) error {
	var in authRole
	if err := h.decodeAuthBody(w, r, &in); err != nil {
		return err
	}
	if in.Role != name {
		return &authError{status: http.StatusBadRequest, msg: "Role JSON name does not match the name in the URL"}
	}
	creating := in.Grant.isEmpty() && in.Revoke.isEmpty()
	if !creating && !in.Permissions.isEmpty() {
		return &authError{status: http.StatusBadRequest, msg: "Role JSON contains both permissions and grant/revoke"}
	}
	if name == rootName {
		return authErrorf(http.StatusForbidden, "Cannot modify role %s: is root role.", name)
	}
	var out authRole
	code := http.StatusOK
	err := retryConcurrent(func() error {
		old, index, err := h.auth.roleAt(name)
		exists := err == nil
		if err != nil && !isAuthNotFound(err) {
			return err
		}
		switch {
		case creating && exists:
			if err := h.auth.ensureAuthDirs(r.Context()); err != nil { // etcd tries the create
				return err
			}
			return authErrorf(http.StatusConflict, "Role %s already exists.", name)
		case creating:
			out, code = in, http.StatusCreated
		case !exists:
			return err // etcd's "Role %s does not exist."
		default:
			if out, err = changedRole(old, in); err != nil {
				return err
			}
		}
		return h.auth.putIf(r.Context(), authRolesDir+"/"+name, out, index)
	})
	if err != nil {
		return err
	}
	return writeJSONLine(w, code, out)
}

// changedRole applies the grant, then the revoke, of in to old; a change that leaves the role
// as it was stored is refused, as in etcd.
func changedRole(old, in authRole) (authRole, error) {
	kv := old.Permissions.KV
	if in.Grant != nil {
		var err error
		if kv, err = kv.grant(in.Grant.KV); err != nil {
			return old, err
		}
	}
	if in.Revoke != nil {
		kv = kv.revoke(in.Revoke.KV)
	}
	out := authRole{Role: old.Role, Permissions: permissions{KV: kv}}
	if reflect.DeepEqual(out, old) {
		return old, authErrorf(http.StatusBadRequest, "Role not updated. Use grant/revoke to update the role.")
	}
	return out, nil
}

func (h *handler) deleteRole(w http.ResponseWriter, r *http.Request, name string) error {
	if name == rootName {
		return authErrorf(http.StatusForbidden, "Cannot modify role %s: is root role.", name)
	}
	if err := h.auth.ensureAuthDirs(r.Context()); err != nil { // even for a role that is not there
		return err
	}
	err := retryConcurrent(func() error {
		_, index, err := h.auth.roleAt(name)
		if isAuthNotFound(err) {
			return authErrorf(http.StatusNotFound, "Role %s doesn't exist.", name)
		}
		if err != nil {
			return err
		}
		return h.auth.removeIf(r.Context(), authRolesDir+"/"+name, index)
	})
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusOK)
	return nil
}
