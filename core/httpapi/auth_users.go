package httpapi

import (
	"net/http"
	"slices"
)

// serveAuthUsers is /v2/auth/users[/<name>]: list, get, create or change, and delete users.
func (h *handler) serveAuthUsers(w http.ResponseWriter, r *http.Request) {
	h.serveAuthResource(w, r, authResource{prefix: authUsersPrefix, noun: "user",
		list: h.listUsers, get: h.getUser, put: h.putUser, del: h.deleteUser})
}

// withRoles expands a user's role names (roles deleted since are left out).
func (h *handler) withRoles(u authUser) userWithRoles {
	out := userWithRoles{User: u.User}
	for _, n := range u.Roles {
		if role, err := h.auth.role(n); err == nil {
			role.Permissions.KV = role.Permissions.KV.normalized()
			out.Roles = append(out.Roles, role)
		}
	}
	return out
}

func (h *handler) listUsers(w http.ResponseWriter) error {
	names, err := h.auth.names(authUsersDir)
	if err != nil {
		return err
	}
	var list struct {
		Users []userWithRoles `json:"users"` // null when there is none, as etcd
	}
	for _, n := range names {
		u, err := h.auth.user(n)
		if err != nil {
			return err
		}
		list.Users = append(list.Users, h.withRoles(u))
	}
	return writeJSONLine(w, http.StatusOK, list)
}

func (h *handler) getUser(w http.ResponseWriter, name string) error {
	u, err := h.auth.user(name)
	if err != nil {
		return err
	}
	return writeJSONLine(w, http.StatusOK, h.withRoles(u))
}

// putUser creates or changes a user as etcd does. Without grant or revoke: a body with roles
// creates the user (409 if it exists; etcd answers 200), one without creates it (201) or changes
// its password (200). With grant or revoke (and no roles) it changes an existing user (200). The
// body is the user without its password.
func (h *handler) putUser(w http.ResponseWriter, r *http.Request, name string) error {
	var in authUser
	if err := h.decodeAuthBody(w, r, &in); err != nil {
		return err
	}
	if in.User != name {
		return &authError{status: http.StatusBadRequest, msg: "User JSON name does not match the name in the URL"}
	}
	changing := len(in.Grant) > 0 || len(in.Revoke) > 0
	if changing && len(in.Roles) > 0 {
		return &authError{status: http.StatusBadRequest, msg: "User JSON contains both roles and grant/revoke"}
	}
	var out authUser
	code := http.StatusOK
	err := retryConcurrent(func() error {
		old, index, err := h.auth.userAt(name)
		exists := err == nil
		if err != nil && !isAuthNotFound(err) {
			return err
		}
		switch {
		case exists && !changing && len(in.Roles) > 0: // etcd's create: the password, then the record
			if _, err := h.newUser(in); err != nil {
				return err
			}
			if err := h.auth.ensureAuthDirs(r.Context()); err != nil {
				return err
			}
			return authErrorf(http.StatusConflict, "User %s already exists.", name)
		case exists:
			out, err = h.changedUser(old, in)
		case changing:
			return authErrorf(http.StatusNotFound, "User %s doesn't exist.", name)
		default:
			out, err = h.newUser(in)
			if len(in.Roles) == 0 {
				code = http.StatusCreated
			}
		}
		if err != nil {
			return err
		}
		return h.auth.putIf(r.Context(), authUsersDir+"/"+name, out, index)
	})
	if err != nil {
		return err
	}
	out.Password = ""
	return writeJSONLine(w, code, out)
}

func (h *handler) newUser(in authUser) (authUser, error) {
	if in.Password == "" {
		return in, authErrorf(http.StatusBadRequest, "Cannot create user %s with an empty password", in.User)
	}
	roles := slices.Clone(in.Roles)
	if in.User == rootName && !slices.Contains(roles, rootName) {
		roles = append(roles, rootName)
	}
	slices.Sort(roles)
	roles = slices.Compact(roles)
	if err := h.checkRolesExist(roles); err != nil {
		return in, err
	}
	hash, err := hashPassword(in.Password)
	if err != nil {
		return in, err
	}
	return authUser{User: in.User, Password: hash, Roles: roles}, nil
}

func (h *handler) changedUser(old, in authUser) (authUser, error) {
	if in.Password == "" && len(in.Grant) == 0 && len(in.Revoke) == 0 {
		return old, authErrorf(http.StatusBadRequest, "User not updated. Use grant/revoke/password to update the user.")
	}
	out := authUser{User: old.User, Password: old.Password, Roles: slices.Clone(old.Roles)}
	if in.Password != "" {
		hash, err := hashPassword(in.Password)
		if err != nil {
			return old, err
		}
		out.Password = hash
	}
	if err := h.checkRolesExist(in.Grant); err != nil {
		return old, err
	}
	for _, g := range in.Grant {
		if slices.Contains(out.Roles, g) {
			return old, authErrorf(http.StatusConflict, "Granting duplicate role %s for user %s", g, old.User)
		}
		out.Roles = append(out.Roles, g)
	}
	for _, rv := range in.Revoke {
		i := slices.Index(out.Roles, rv)
		if i < 0 {
			return old, authErrorf(http.StatusConflict, "Revoking ungranted role %s for user %s", rv, old.User)
		}
		if old.User == rootName && rv == rootName && h.auth.enabled() {
			return old, authErrorf(http.StatusForbidden, "Cannot revoke role root from user root while auth is enabled.")
		}
		out.Roles = slices.Delete(out.Roles, i, i+1)
	}
	slices.Sort(out.Roles)
	if len(out.Roles) == 0 {
		out.Roles = nil // etcd's set of roles gives none as null
	}
	return out, nil
}

func (h *handler) checkRolesExist(names []string) error {
	for _, n := range names {
		if _, err := h.auth.role(n); err != nil {
			return err
		}
	}
	return nil
}

func (h *handler) deleteUser(w http.ResponseWriter, r *http.Request, name string) error {
	if name == rootName && h.auth.enabled() {
		return authErrorf(http.StatusForbidden, "Cannot delete root user while auth is enabled.")
	}
	if err := h.auth.ensureAuthDirs(r.Context()); err != nil { // even for a user that is not there
		return err
	}
	err := retryConcurrent(func() error {
		_, index, err := h.auth.userAt(name)
		if isAuthNotFound(err) {
			return authErrorf(http.StatusNotFound, "User %s does not exist", name) // etcd's delete has no dot
		}
		if err != nil {
			return err
		}
		return h.auth.removeIf(r.Context(), authUsersDir+"/"+name, index)
	})
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusOK)
	return nil
}

// isAuthNotFound reports whether err is a 404 authError.
func isAuthNotFound(err error) bool {
	ae, ok := err.(*authError)
	return ok && ae.status == http.StatusNotFound
}
