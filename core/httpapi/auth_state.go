package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"path"
	"slices"

	"github.com/raftlab/raftlab/core/node"
	"github.com/raftlab/raftlab/core/store"
)

// InternalReader may be implemented by a Backend that keeps the store's hidden namespace (core/server
// does). The v2 auth API needs it: users, roles and the enabled flag live there, written through
// Do with node.KindInternal requests so that every member applies them. A Backend without it serves
// auth as permanently disabled.
type InternalReader interface {
	// GetInternal reads path from the local store's internal namespace.
	GetInternal(path string, recursive bool) (*store.Event, error)
}

// Internal-namespace paths of the auth records.
const (
	authDir         = "/auth"
	authEnabledPath = authDir + "/enabled"
	authUsersDir    = authDir + "/users"
	authRolesDir    = authDir + "/roles"
)

// authStore reads and writes the auth records of one member.
type authStore struct {
	backend Backend
	reader  InternalReader // nil: auth unsupported
}

// supported reports whether the backend keeps an internal namespace.
func (s authStore) supported() bool { return s.reader != nil }

// enabled reports whether auth is on (false when it cannot be read).
func (s authStore) enabled() bool {
	if s.reader == nil {
		return false
	}
	v, err := s.value(authEnabledPath)
	return err == nil && v == "true"
}

// value reads one internal key.
func (s authStore) value(p string) (string, error) {
	ev, err := s.reader.GetInternal(p, false)
	if err != nil {
		return "", err
	}
	if ev.Node == nil || ev.Node.Value == nil {
		return "", fmt.Errorf("auth: %s is a directory", p)
	}
	return *ev.Node.Value, nil
}

// isNotFound reports whether err is the store's key-not-found error.
func isNotFound(err error) bool {
	var se *store.Error
	return errors.As(err, &se) && se.ErrorCode == store.EcodeKeyNotFound
}

// names lists the entries of an internal directory, sorted.
func (s authStore) names(dir string) ([]string, error) {
	ev, err := s.reader.GetInternal(dir, false)
	if isNotFound(err) {
		return []string{}, nil
	}
	if err != nil {
		return nil, err
	}
	out := []string{}
	if ev.Node != nil {
		for _, n := range ev.Node.Nodes {
			out = append(out, path.Base(n.Key))
		}
	}
	slices.Sort(out)
	return out, nil
}

// user reads one user; a missing user is a 404 authError.
func (s authStore) user(name string) (authUser, error) {
	var u authUser
	v, err := s.value(authUsersDir + "/" + name)
	if isNotFound(err) {
		return u, authErrorf(http.StatusNotFound, "User %s does not exist.", name)
	}
	if err != nil {
		return u, err
	}
	if err := json.Unmarshal([]byte(v), &u); err != nil {
		return u, fmt.Errorf("auth: stored user %s: %w", name, err)
	}
	return u, nil
}

// role reads one role; root is built in, a missing role is a 404 authError.
func (s authStore) role(name string) (authRole, error) {
	if name == rootName {
		return rootRole(), nil
	}
	var r authRole
	v, err := s.value(authRolesDir + "/" + name)
	if isNotFound(err) {
		return r, authErrorf(http.StatusNotFound, "Role %s does not exist.", name)
	}
	if err != nil {
		return r, err
	}
	if err := json.Unmarshal([]byte(v), &r); err != nil {
		return r, fmt.Errorf("auth: stored role %s: %w", name, err)
	}
	return r, nil
}

// roleNames lists every role, root included.
func (s authStore) roleNames() ([]string, error) {
	names, err := s.names(authRolesDir)
	if err != nil {
		return nil, err
	}
	if !slices.Contains(names, rootName) {
		names = append(names, rootName)
		slices.Sort(names)
	}
	return names, nil
}

// put replicates a record (v is stored as JSON, a string as is).
func (s authStore) put(ctx context.Context, p string, v any) error {
	val, ok := v.(string)
	if !ok {
		b, err := json.Marshal(v)
		if err != nil {
			return fmt.Errorf("auth: encode %s: %w", p, err)
		}
		val = string(b)
	}
	return s.do(ctx, store.Request{Op: store.OpSet, Key: p, Value: val})
}

// remove replicates the deletion of a record.
func (s authStore) remove(ctx context.Context, p string) error {
	return s.do(ctx, store.Request{Op: store.OpDelete, Key: p})
}

func (s authStore) do(ctx context.Context, w store.Request) error {
	rep, err := s.backend.Do(ctx, node.Request{Kind: node.KindInternal, Write: w})
	if err == nil {
		err = rep.Err
	}
	if err != nil {
		return fmt.Errorf("auth: replicate %s: %w", w.Key, err)
	}
	return nil
}
