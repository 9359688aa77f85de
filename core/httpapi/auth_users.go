package httpapi

import (
	"net/http"
	"reflect"
	"slices"
)

// serveAuthUsers is /v2/auth/users[/<name>]: list, get, create or change, and delete users.
func (h *handler) serveAuthUsers(w http.ResponseWriter, r *http.Request) {
	h.serveAuthResource(w, r, authResource{prefix: authUsersPrefix,
		list: h.listUsers, get: h.getUser, put: h.putUser, del: h.deleteUser})
}

// withRoles expands a user's role names. A role that does not exist (deleted since, or granted
// before it was created) fails a strict expansion with etcd's 404, and is left out otherwise (the
// list of users, as etcd).
func (h *handler) withRoles(u authUser, strict bool) (userWithRoles, error) {
	out := userWithRoles{User: u.User}
	for _, n := range u.Roles {
		role, err := h.auth.role(n)
		if err != nil {
			if strict || !isAuthNotFound(err) {
				return out, err
			}
			continue
		}
		out.Roles = append(out.Roles, role)
	}
	return out, nil
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
		shown, err := h.withRoles(u, false)
		if err != nil {
			return err
		}
		list.Users = append(list.Users, shown)
	}
	return writeJSONLine(w, http.StatusOK, list)
}

func (h *handler) getUser(w http.ResponseWriter, name string) error {
	u, err := h.auth.user(name)
	if err != nil {
		return err
	}
	shown, err := h.withRoles(u, true)
	if err != nil {
		return err
	}
	return writeJSONLine(w, http.StatusOK, shown)
}

// putUser creates or changes a user as etcd does. Without grant or revoke: a body with roles
// creates the user (409 if it exists; etcd answers 200), one without creates it (201) or changes
// its password (200). With grant or revoke (and no roles) it changes an existing user (200). Role
// names are not checked: a role may be granted before it exists, as in etcd. The body is the
// user without its password.
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
			if _, err := newUser(in); err != nil {
				return err
			}
			if err := h.auth.ensureAuthDirs(r.Context()); err != nil {
				return err
			}
			return authErrorf(http.StatusConflict, "User %s already exists.", name)
		case exists:
			out, err = changedUser(old, in)
		case changing:
			return err // etcd's "User %s does not exist."
		default:
			out, err = newUser(in)
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

// newUser is the record of a new user: its roles as given (root's with the root role added).
func newUser(in authUser) (authUser, error) {
	if in.Password == "" {
		return in, authErrorf(http.StatusBadRequest, "Cannot create user %s with an empty password", in.User)
	}
	hash, err := hashPassword(in.Password)
	if err != nil {
		return in, err
	}
	return authUser{User: in.User, Password: hash, Roles: withRootRole(in.User, in.Roles)}, nil
}

// changedUser applies in's password, grants and revokes to old as etcd's merge does: the roles
// become a sorted set (never null); granting a role the user has, or revoking one it has not, is
// a conflict; a change that leaves the record as it was is refused.
func changedUser(old, in authUser) (authUser, error) {
	out := authUser{User: old.User, Password: old.Password}
	if in.Password != "" {
		hash, err := hashPassword(in.Password)
		if err != nil {
			return old, err
		}
		out.Password = hash
	}
	roles := sortedSet(old.Roles)
	for _, g := range in.Grant {
		if slices.Contains(roles, g) {
			return old, authErrorf(http.StatusConflict, "Granting duplicate role %s for user %s", g, old.User)
		}
		roles = append(roles, g)
	}
	for _, rv := range in.Revoke {
		i := slices.Index(roles, rv)
		if i < 0 {
			return old, authErrorf(http.StatusConflict, "Revoking ungranted role %s for user %s", rv, old.User)
		}
		roles = slices.Delete(roles, i, i+1)
	}
	slices.Sort(roles)
	out.Roles = roles
	if reflect.DeepEqual(out, old) {
		return old, authErrorf(http.StatusBadRequest, "User not updated. Use grant/revoke/password to update the user.")
	}
	return out, nil
}

// withRootRole is roles with the root role appended for the root user, who always has it (etcd
// adds it to the record it creates and to every one it reads).
func withRootRole(user string, roles []string) []string {
	if user != rootName || slices.Contains(roles, rootName) {
		return roles
	}
	return append(slices.Clip(roles), rootName)
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
