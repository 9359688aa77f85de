package httpapi

import (
	"fmt"
	"net/http"
	"slices"

	"github.com/raftlab/raftlab/core/store"
)

// Built-in v2 auth names (etcd's auth_api.md).
const (
	rootName  = store.AuthRootName  // the root user, and the role that may do everything
	guestRole = store.AuthGuestRole // the role of requests without credentials
)

// authUser is a v2 auth user as stored (Password is the PBKDF2 hash) and as sent in a PUT (Password
// is the clear text, Grant and Revoke change the roles).
type authUser struct {
	User     string   `json:"user"`
	Password string   `json:"password,omitempty"`
	Roles    []string `json:"roles"`
	Grant    []string `json:"grant,omitempty"`
	Revoke   []string `json:"revoke,omitempty"`
}

// userWithRoles is how GET shows a user: the password left out, the roles expanded (none shown
// when it has none, as etcd).
type userWithRoles struct {
	User  string     `json:"user"`
	Roles []authRole `json:"roles,omitempty"`
}

// authRole is a v2 auth role; Grant and Revoke appear only in a PUT that changes it.
type authRole struct {
	Role        string       `json:"role"`
	Permissions permissions  `json:"permissions"`
	Grant       *permissions `json:"grant,omitempty"`
	Revoke      *permissions `json:"revoke,omitempty"`
}

// permissions are a role's rights; only the key space ("kv") has any in v2.
type permissions struct {
	KV rwPermission `json:"kv"`
}

// rwPermission lists key patterns: "/foo" is that key only, "/foo/*" every key under "/foo/".
type rwPermission struct {
	Read  []string `json:"read"`
	Write []string `json:"write"`
}

// rootRole may read and write every key; it is never stored.
func rootRole() authRole {
	return authRole{Role: rootName, Permissions: permissions{KV: rwPermission{Read: []string{"/*"}, Write: []string{"/*"}}}}
}

// defaultGuestRole is what enabling auth creates when there is no guest role: everything allowed,
// as in etcd, so enabling auth changes nothing for clients until the guest role is narrowed.
func defaultGuestRole() authRole {
	r := rootRole()
	r.Role = guestRole
	return r
}

// authError is an auth API failure: the HTTP status and etcd's message (prefixed "auth: ").
type authError struct {
	status int
	msg    string
}

func (e *authError) Error() string { return e.msg }

// authErrorf builds an authError the way etcd words them.
func authErrorf(status int, format string, args ...any) *authError {
	return &authError{status: status, msg: "auth: " + fmt.Sprintf(format, args...)}
}

// allows reports whether the patterns give access to key; recursive access (a recursive get,
// watch or delete) needs a prefix pattern covering the whole subtree.
func (p rwPermission) allows(key string, write, recursive bool) bool {
	list := p.Read
	if write {
		list = p.Write
	}
	return slices.ContainsFunc(list, func(pat string) bool { return store.AuthPatternAllows(pat, key, recursive) })
}

// allows reports whether the role gives access to key.
func (r authRole) allows(key string, write, recursive bool) bool {
	if r.Role == rootName {
		return true
	}
	return r.Permissions.KV.allows(key, write, recursive)
}

// isEmpty reports whether p grants nothing (etcd's Permissions.IsEmpty: nil or no pattern).
func (p *permissions) isEmpty() bool {
	return p == nil || (len(p.KV.Read) == 0 && len(p.KV.Write) == 0)
}

// grant adds patterns as etcd does: the lists become sorted sets (never null), and granting a
// pattern the role already has is a conflict. Patterns are taken as they are: one that does not
// start with / matches no key, "*" matches every one.
func (p rwPermission) grant(g rwPermission) (rwPermission, error) {
	read, err := addPatterns(p.Read, g.Read, "read")
	if err != nil {
		return p, err
	}
	write, err := addPatterns(p.Write, g.Write, "write")
	if err != nil {
		return p, err
	}
	return rwPermission{Read: read, Write: write}, nil
}

func addPatterns(have, add []string, kind string) ([]string, error) {
	out := sortedSet(have)
	for _, pat := range add {
		if slices.Contains(out, pat) {
			return nil, authErrorf(http.StatusConflict, "Granting duplicate %s permission %s", kind, pat)
		}
		out = append(out, pat)
	}
	slices.Sort(out)
	return out, nil
}

// revoke removes patterns as etcd does: the lists become sorted sets (never null), and revoking
// a pattern the role does not have is ignored.
func (p rwPermission) revoke(r rwPermission) rwPermission {
	drop := func(have, del []string) []string {
		return slices.DeleteFunc(sortedSet(have), func(s string) bool { return slices.Contains(del, s) })
	}
	return rwPermission{Read: drop(p.Read, r.Read), Write: drop(p.Write, r.Write)}
}

// sortedSet is the distinct elements of list, sorted, as a non-nil slice: what etcd's string
// sets give back.
func sortedSet(list []string) []string {
	out := append([]string{}, list...)
	slices.Sort(out)
	return slices.Compact(out)
}
