package store

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"slices"
	"strings"
)

// The v2 auth records live in the internal namespace (the HTTP layer writes them through internal
// writes): the enabled flag ("true" or "false"), one JSON record per user and per role.
const (
	AuthEnabledPath = "/auth/enabled"
	AuthUsersDir    = "/auth/users"
	AuthRolesDir    = "/auth/roles"
	// AuthRootName is the root user and the role that may do everything; the role is never stored.
	AuthRootName = "root"
	// AuthGuestRole is the role of a caller without credentials.
	AuthGuestRole = "guest"
)

// Caller is who asked for a write, so that the store can check the write against the v2 auth
// records when it applies it: in log order, on the records as they are at that point of the log,
// on every member alike. A permission taken away (a user deleted, a role revoked, a password
// changed) before the write's turn in the log refuses the write on every member, wherever the
// write was proposed and however late that member learnt of the change. Writes without a Caller
// (those the cluster makes itself, entries logged before callers were recorded) are not checked.
type Caller struct {
	// User is the user's name; empty for a guest (a caller without credentials).
	User string `codec:",omitempty"`
	// PasswordTag is PasswordTag of the stored password hash the proposing member verified the
	// caller's password against: the write is refused if the user's stored hash is another one
	// when it applies (the password changed, or that member did not know the user).
	PasswordTag uint64 `codec:",omitempty"`
	// Cert says a verified client certificate named the user: no password was checked.
	Cert bool `codec:",omitempty"`
}

// PasswordTag is a short fingerprint of a stored password hash, carried by a Caller in place of the
// hash itself.
func PasswordTag(storedHash string) uint64 {
	sum := sha256.Sum256([]byte(storedHash))
	return binary.BigEndian.Uint64(sum[:8])
}

// AuthPatternAllows is etcd's v2 permission rule: a pattern "prefix*" covers every key starting with
// prefix, any other pattern exactly one key and never a recursive request (a recursive get, watch or
// delete needs a prefix pattern covering the whole subtree).
func AuthPatternAllows(pattern, key string, recursive bool) bool {
	if prefix, ok := strings.CutSuffix(pattern, "*"); ok {
		return strings.HasPrefix(key, prefix)
	}
	return !recursive && key == pattern
}

// authUserRecord and authRoleRecord are the parts of the stored JSON records the check reads.
type authUserRecord struct {
	Password string   `json:"password"`
	Roles    []string `json:"roles"`
}

type authRoleRecord struct {
	Permissions struct {
		KV struct {
			Read  []string `json:"read"`
			Write []string `json:"write"`
		} `json:"kv"`
	} `json:"permissions"`
}

// errInsufficientCredentials is the refusal of a write its caller may not make (etcd's words).
func (s *Store) errInsufficientCredentials() *Error {
	return NewError(EcodeUnauthorized, "Insufficient credentials", s.index)
}

// internalValue is the value of an internal key, false when it is missing or a directory.
func (s *Store) internalValue(p string) (string, bool) {
	n, _ := find(&s.system, p)
	if n == nil || n.dir {
		return "", false
	}
	return n.value, true
}

// callerRoles returns the names of the roles c acts with and whether c is a guest, or false when
// c cannot be trusted as the user it names (no such user, or another password than the one
// verified). A certificate naming no user is a guest's, and the root user always has the root
// role, as in etcd.
func (s *Store) callerRoles(c *Caller) (roles []string, guest, ok bool) {
	guestRoles := []string{AuthGuestRole}
	if c.User == "" {
		return guestRoles, true, true
	}
	v, found := s.internalValue(AuthUsersDir + "/" + c.User)
	if !found {
		return guestRoles, true, c.Cert
	}
	var u authUserRecord
	if json.Unmarshal([]byte(v), &u) != nil || (!c.Cert && PasswordTag(u.Password) != c.PasswordTag) {
		return nil, false, false
	}
	if c.User == AuthRootName { // the root user always has the root role, as in etcd
		u.Roles = append(u.Roles, AuthRootName)
	}
	return u.Roles, false, true
}

// authorize checks r against the auth records when auth is enabled: a user write needs a role
// whose patterns cover its key (recursively for a recursive delete), an internal write (an auth
// record) needs the root role.
func (s *Store) authorize(r *Request, internal bool) *Error {
	if r.Caller == nil {
		return nil
	}
	if enabled, _ := s.internalValue(AuthEnabledPath); enabled != "true" {
		return nil
	}
	roles, guest, ok := s.callerRoles(r.Caller)
	if !ok {
		return s.errInsufficientCredentials()
	}
	if slices.Contains(roles, AuthRootName) {
		return nil
	}
	if !internal {
		key := cleanKey(r.Key)
		recursive := r.Recursive && !guest // a guest's access is checked as a single key's, as in etcd
		for _, name := range roles {
			if s.roleAllowsWrite(name, key, recursive) {
				return nil
			}
		}
	}
	return s.errInsufficientCredentials()
}

// roleAllowsWrite reports whether the stored role name may write key.
func (s *Store) roleAllowsWrite(name, key string, recursive bool) bool {
	v, ok := s.internalValue(AuthRolesDir + "/" + name)
	if !ok {
		return false
	}
	var role authRoleRecord
	if json.Unmarshal([]byte(v), &role) != nil {
		return false
	}
	// The handler checked the request's own path, as etcd does, and it may end in a slash the
	// clean key has lost: a pattern that allowed that path still allows the write here.
	return slices.ContainsFunc(role.Permissions.KV.Write, func(p string) bool {
		return AuthPatternAllows(p, key, recursive) || (key != "/" && AuthPatternAllows(p, key+"/", recursive))
	})
}
