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
	out := userWithRoles{User: u.User, Roles: []authRole{}}
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
	list := struct {
		Users []userWithRoles `json:"users"`
	}{Users: []userWithRoles{}}
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

// putUser creates a user (a password is required; root gets the root role) or changes one:
// a new password, roles granted or revoked. 201 for a new user, 200 otherwise; the body is the
// user without its password.
func (h *handler) putUser(w http.ResponseWriter, r *http.Request, name string) error {
	var in authUser
	if err := h.decodeAuthBody(w, r, &in); err != nil {
		return err
	}
	if in.User != name {
		return &authError{status: http.StatusBadRequest, msg: "User JSON name does not match the name in the URL"}
	}
	var out authUser
	var exists bool
	err := retryConcurrent(func() error {
		old, index, err := h.auth.userAt(name)
		exists = err == nil
		if err != nil && !isAuthNotFound(err) {
			return err
		}
		if exists {
			out, err = h.changedUser(old, in)
		} else {
			out, err = h.newUser(in)
		}
		if err != nil {
			return err
		}
		return h.auth.putIf(r.Context(), authUsersDir+"/"+name, out, index)
	})
	if err != nil {
		return err
	}
	code := http.StatusOK
	if !exists {
		code = http.StatusCreated
	}
	out.Password = ""
	if out.Roles == nil {
		out.Roles = []string{}
	}
	return writeJSONLine(w, code, out)
}

func (h *handler) newUser(in authUser) (authUser, error) {
	if len(in.Grant) > 0 || len(in.Revoke) > 0 {
		return in, authErrorf(http.StatusNotFound, "User %s doesn't exist.", in.User)
	}
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
	err := retryConcurrent(func() error {
		_, index, err := h.auth.userAt(name)
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
