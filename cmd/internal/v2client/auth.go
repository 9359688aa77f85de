package v2client

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
)

// authPrefix is the path of the v2 auth API.
const authPrefix = "/v2/auth"

// AuthError is an error answer of the auth API, whose body is {"message": "..."}; a refusal for
// missing or wrong credentials is StatusCode 401 with "Insufficient credentials".
type AuthError struct {
	// StatusCode is the HTTP status of the answer.
	StatusCode int
	// Message is the server's message, e.g. "auth: User alice does not exist.".
	Message string
}

// Error returns the server's message unchanged, as client/v2 does.
func (e *AuthError) Error() string { return e.Message }

// User is a user as a change answers it: its name and role names.
type User struct {
	User  string   `json:"user"`
	Roles []string `json:"roles"`
}

// UserRoles is a user as GET shows it: its roles with their permissions.
type UserRoles struct {
	User  string `json:"user"`
	Roles []Role `json:"roles"`
}

// Role is a role and the key patterns it may read and write ("/foo" is one key, "/foo/*" every
// key under /foo/).
type Role struct {
	Role        string      `json:"role"`
	Permissions Permissions `json:"permissions"`
}

// Permissions are a role's rights on the key space.
type Permissions struct {
	KV RWPermission `json:"kv"`
}

// RWPermission lists key patterns.
type RWPermission struct {
	Read  []string `json:"read"`
	Write []string `json:"write"`
}

// PermissionType selects which lists GrantRoleKV and RevokeRoleKV change.
type PermissionType int

// Permission types.
const (
	ReadPermission PermissionType = iota + 1
	WritePermission
	ReadWritePermission
)

// authRequest sends a request to /v2/auth/<rest> with an optional JSON body and, unless the status
// is one of ok, returns the answer's error as client/v2 makes it (authAnswerError).
func (c *Client) authRequest(ctx context.Context, method, rest string, in any, ok ...int) (*reply, error) {
	rep, err := c.authSend(ctx, method, rest, in)
	if err != nil {
		return nil, err
	}
	if !slices.Contains(ok, rep.status) {
		return nil, authAnswerError(rep)
	}
	return rep, nil
}

// authSend sends a request to /v2/auth/<rest> with an optional JSON body.
func (c *Client) authSend(ctx context.Context, method, rest string, in any) (*reply, error) {
	r := &request{method: method, path: authPrefix + "/" + rest}
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return nil, fmt.Errorf("client: encode auth request: %w", err)
		}
		r.body, r.contentType = b, "application/json"
	}
	return c.do(ctx, r)
}

// authAnswerError is the error of an auth answer with a status the request does not expect, as
// client/v2 makes it: an *AuthError with the body's message (empty when the body has none: a user
// created by a password change answers 201 with the user), or the JSON error itself when the body
// is no JSON (a 405's text gives "invalid character 'M' looking for beginning of value").
func authAnswerError(rep *reply) error {
	var body struct {
		Message string `json:"message"`
	}
	if err := json.Unmarshal(rep.body, &body); err != nil {
		return err
	}
	return &AuthError{StatusCode: rep.status, Message: body.Message}
}

// decodeAuth reads a successful answer's JSON body into out.
func decodeAuth(rep *reply, out any) error {
	if err := json.Unmarshal(rep.body, out); err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidJSON, err)
	}
	return nil
}

// AuthEnabled reports whether the cluster enforces auth.
func (c *Client) AuthEnabled(ctx context.Context) (bool, error) {
	rep, err := c.authRequest(ctx, http.MethodGet, "enable", nil, http.StatusOK)
	if err != nil {
		return false, err
	}
	var out struct {
		Enabled bool `json:"enabled"`
	}
	return out.Enabled, decodeAuth(rep, &out)
}

// EnableAuth turns auth on; the cluster needs a root user first.
func (c *Client) EnableAuth(ctx context.Context) error {
	_, err := c.authRequest(ctx, http.MethodPut, "enable", nil, http.StatusOK, http.StatusCreated)
	return err
}

// DisableAuth turns auth off (root credentials needed).
func (c *Client) DisableAuth(ctx context.Context) error {
	_, err := c.authRequest(ctx, http.MethodDelete, "enable", nil, http.StatusOK, http.StatusCreated)
	return err
}

// Users lists every user with its roles.
func (c *Client) Users(ctx context.Context) ([]UserRoles, error) {
	rep, err := c.authRequest(ctx, http.MethodGet, "users", nil, http.StatusOK)
	if err != nil {
		return nil, err
	}
	var out struct {
		Users []UserRoles `json:"users"`
	}
	return out.Users, decodeAuth(rep, &out)
}

// GetUser reads one user with its roles.
func (c *Client) GetUser(ctx context.Context, name string) (UserRoles, error) {
	var out UserRoles
	rep, err := c.authRequest(ctx, http.MethodGet, "users/"+name, nil, http.StatusOK)
	if err != nil {
		return out, err
	}
	return out, decodeAuth(rep, &out)
}

// userChange is the body of a user PUT.
type userChange struct {
	User     string   `json:"user"`
	Password string   `json:"password,omitempty"`
	Grant    []string `json:"grant,omitempty"`
	Revoke   []string `json:"revoke,omitempty"`
}

// AddUser creates a user with a password (the user "root" gets the root role).
func (c *Client) AddUser(ctx context.Context, name, password string) error {
	_, err := c.authRequest(ctx, http.MethodPut, "users/"+name, userChange{User: name, Password: password},
		http.StatusOK, http.StatusCreated)
	return err
}

// RemoveUser deletes a user.
func (c *Client) RemoveUser(ctx context.Context, name string) error {
	_, err := c.authRequest(ctx, http.MethodDelete, "users/"+name, nil, http.StatusOK, http.StatusCreated)
	return err
}

// GrantUser adds roles to a user.
func (c *Client) GrantUser(ctx context.Context, name string, roles []string) (User, error) {
	return c.changeUser(ctx, userChange{User: name, Grant: roles})
}

// RevokeUser takes roles from a user.
func (c *Client) RevokeUser(ctx context.Context, name string, roles []string) (User, error) {
	return c.changeUser(ctx, userChange{User: name, Revoke: roles})
}

// ChangePassword sets a user's password.
func (c *Client) ChangePassword(ctx context.Context, name, password string) (User, error) {
	return c.changeUser(ctx, userChange{User: name, Password: password})
}

func (c *Client) changeUser(ctx context.Context, ch userChange) (User, error) {
	var out User
	rep, err := c.authRequest(ctx, http.MethodPut, "users/"+ch.User, ch, http.StatusOK)
	if err != nil {
		return out, err
	}
	return out, decodeAuth(rep, &out)
}

// Roles lists every role with its permissions (root included).
func (c *Client) Roles(ctx context.Context) ([]Role, error) {
	rep, err := c.authSend(ctx, http.MethodGet, "roles", nil)
	if err != nil {
		return nil, err
	}
	if rep.status != http.StatusOK {
		return nil, &StatusError{StatusCode: rep.status} // client/v2 reads no message here
	}
	var out struct {
		Roles []Role `json:"roles"`
	}
	return out.Roles, decodeAuth(rep, &out)
}

// GetRole reads one role.
func (c *Client) GetRole(ctx context.Context, name string) (Role, error) {
	var out Role
	rep, err := c.authRequest(ctx, http.MethodGet, "roles/"+name, nil, http.StatusOK)
	if err != nil {
		return out, err
	}
	return out, decodeAuth(rep, &out)
}

// AddRole creates a role without permissions.
func (c *Client) AddRole(ctx context.Context, name string) error {
	_, err := c.authRequest(ctx, http.MethodPut, "roles/"+name, Role{Role: name}, http.StatusOK, http.StatusCreated)
	return err
}

// RemoveRole deletes a role.
func (c *Client) RemoveRole(ctx context.Context, name string) error {
	_, err := c.authRequest(ctx, http.MethodDelete, "roles/"+name, nil, http.StatusOK, http.StatusCreated)
	return err
}

// roleChange is the body of a role PUT that grants or revokes.
type roleChange struct {
	Role   string       `json:"role"`
	Grant  *Permissions `json:"grant,omitempty"`
	Revoke *Permissions `json:"revoke,omitempty"`
}

// patterns turns prefixes and a permission type into the permission lists.
func patterns(prefixes []string, perm PermissionType) *Permissions {
	p := &Permissions{}
	if perm == ReadPermission || perm == ReadWritePermission {
		p.KV.Read = prefixes
	}
	if perm == WritePermission || perm == ReadWritePermission {
		p.KV.Write = prefixes
	}
	return p
}

// GrantRoleKV gives a role access to key patterns.
func (c *Client) GrantRoleKV(ctx context.Context, name string, prefixes []string, perm PermissionType) (Role, error) {
	return c.changeRole(ctx, roleChange{Role: name, Grant: patterns(prefixes, perm)})
}

// RevokeRoleKV takes access to key patterns from a role.
func (c *Client) RevokeRoleKV(ctx context.Context, name string, prefixes []string, perm PermissionType) (Role, error) {
	return c.changeRole(ctx, roleChange{Role: name, Revoke: patterns(prefixes, perm)})
}

func (c *Client) changeRole(ctx context.Context, ch roleChange) (Role, error) {
	var out Role
	rep, err := c.authRequest(ctx, http.MethodPut, "roles/"+ch.Role, ch, http.StatusOK)
	if err != nil {
		return out, err
	}
	return out, decodeAuth(rep, &out)
}
