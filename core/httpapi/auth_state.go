package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"path"
	"slices"
	"sync/atomic"

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

// authFlagReader may be implemented by an InternalReader (core/server does): it reads the auth flag,
// and with count also counts the read as storeGetCounter would, in one step and without the
// allocations of a general read. The flag is read once or twice per keys request.
type authFlagReader interface {
	AuthFlag(count bool) bool
}

// Internal-namespace paths of the auth records (the store checks writes against them).
const (
	authEnabledPath = store.AuthEnabledPath
	authUsersDir    = store.AuthUsersDir
	authRolesDir    = store.AuthRolesDir
)

// authStore reads and writes the auth records of one member.
type authStore struct {
	backend Backend
	reader  InternalReader // nil: auth unsupported
	// dirsEnsured is set once ensureAuthDirs has found or made the auth directories.
	dirsEnsured *atomic.Bool
}

// supported reports whether the backend keeps an internal namespace.
func (s authStore) supported() bool { return s.reader != nil }

// enabled reports whether auth is on (false when it cannot be read).
func (s authStore) enabled() bool {
	if s.reader == nil {
		return false
	}
	if fr, ok := s.reader.(authFlagReader); ok {
		return fr.AuthFlag(false)
	}
	v, err := s.value(authEnabledPath)
	return err == nil && v == "true"
}

// value reads one internal key.
func (s authStore) value(p string) (string, error) {
	v, _, err := s.valueAt(p)
	return v, err
}

// valueAt reads one internal key and the index it was last written at (the prevIndex a conditional
// change of it compares against).
func (s authStore) valueAt(p string) (string, uint64, error) {
	ev, err := s.reader.GetInternal(p, false)
	if err != nil {
		return "", 0, err
	}
	if ev.Node == nil || ev.Node.Value == nil {
		return "", 0, fmt.Errorf("auth: %s is a directory", p)
	}
	return *ev.Node.Value, ev.Node.ModifiedIndex, nil
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
	u, _, err := s.userAt(name)
	return u, err
}

// userAt reads one user and the index of its record; a missing user is a 404 authError.
func (s authStore) userAt(name string) (authUser, uint64, error) {
	var u authUser
	v, index, err := s.valueAt(authUsersDir + "/" + name)
	if isNotFound(err) {
		return u, 0, authErrorf(http.StatusNotFound, "User %s does not exist.", name)
	}
	if err != nil {
		return u, 0, err
	}
	if err := json.Unmarshal([]byte(v), &u); err != nil {
		return u, 0, fmt.Errorf("auth: stored user %s: %w", name, err)
	}
	u.Roles = withRootRole(u.User, u.Roles)
	return u, index, nil
}

// role reads one role; root is built in, a missing role is a 404 authError.
func (s authStore) role(name string) (authRole, error) {
	r, _, err := s.roleAt(name)
	return r, err
}

// roleAt reads one role and the index of its record (0 for the built-in root role); a missing role
// is a 404 authError.
func (s authStore) roleAt(name string) (authRole, uint64, error) {
	if name == rootName {
		return rootRole(), 0, nil
	}
	var r authRole
	v, index, err := s.valueAt(authRolesDir + "/" + name)
	if isNotFound(err) {
		return r, 0, authErrorf(http.StatusNotFound, "Role %s does not exist.", name)
	}
	if err != nil {
		return r, 0, err
	}
	if err := json.Unmarshal([]byte(v), &r); err != nil {
		return r, 0, fmt.Errorf("auth: stored role %s: %w", name, err)
	}
	return r, index, nil
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
	val, err := encodeRecord(p, v)
	if err != nil {
		return err
	}
	return s.do(ctx, store.Request{Op: store.OpSet, Key: p, Value: val})
}

// putIf replicates a record read at index, or created when index is 0: the write is refused (and
// errConcurrentChange returned) when another change reached the record since it was read.
func (s authStore) putIf(ctx context.Context, p string, v any, index uint64) error {
	val, err := encodeRecord(p, v)
	if err != nil {
		return err
	}
	w := store.Request{Op: store.OpCreate, Key: p, Value: val}
	if index != 0 {
		w = store.Request{Op: store.OpCompareAndSwap, Key: p, Value: val, PrevIndex: index}
	}
	return s.do(ctx, w)
}

// removeIf replicates the deletion of a record read at index, refused (errConcurrentChange) when
// the record changed since.
func (s authStore) removeIf(ctx context.Context, p string, index uint64) error {
	return s.do(ctx, store.Request{Op: store.OpCompareAndDelete, Key: p, PrevIndex: index})
}

// encodeRecord is v as a record's value: JSON, or a string as is.
func encodeRecord(p string, v any) (string, error) {
	if val, ok := v.(string); ok {
		return val, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("auth: encode %s: %w", p, err)
	}
	return string(b), nil
}

// errConcurrentChange means a conditional write of a record found it changed since it was read.
var errConcurrentChange = errors.New("auth: the record changed since it was read")

// maxAuthAttempts bounds the read-modify-write attempts of one change that keeps meeting
// concurrent changes of the same record.
const maxAuthAttempts = 8

// retryConcurrent runs change (a read, a check and a conditional write) again while its write meets a
// concurrent change of the record, and answers 409 when that never stops. A refused conditional
// write is decided in the log, and this member has applied the log up to it by the time the refusal
// arrives, so the next attempt reads the newer record.
func retryConcurrent(change func() error) error {
	for range maxAuthAttempts {
		if err := change(); !errors.Is(err, errConcurrentChange) {
			return err
		}
	}
	return authErrorf(http.StatusConflict, "The record kept changing concurrently; try again.")
}

// do replicates w on behalf of the caller ctx carries (withCaller), after the auth directories
// (ensureAuthDirs): the store refuses it when it applies it if auth is on by then and the caller
// is not root.
func (s authStore) do(ctx context.Context, w store.Request) error {
	if err := s.ensureAuthDirs(ctx); err != nil {
		return err
	}
	return s.replicate(ctx, w)
}

// replicate is do without the auth directories.
func (s authStore) replicate(ctx context.Context, w store.Request) error {
	w.Caller = callerFrom(ctx)
	rep, err := s.backend.Do(ctx, node.Request{Kind: node.KindInternal, Write: w})
	if err == nil {
		err = rep.Err
	}
	var se *store.Error
	if errors.As(err, &se) && se.ErrorCode == store.EcodeUnauthorized {
		return &authError{status: http.StatusUnauthorized, msg: causeInsufficientCredentials}
	}
	if w.Op != store.OpSet && w.Op != store.OpDelete && errors.As(err, &se) {
		switch se.ErrorCode {
		case store.EcodeTestFailed, store.EcodeNodeExist, store.EcodeKeyNotFound:
			return fmt.Errorf("%w: %s", errConcurrentChange, w.Key)
		}
	}
	if err != nil {
		return fmt.Errorf("auth: replicate %s: %w", w.Key, err)
	}
	return nil
}
