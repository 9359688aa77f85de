package httpapi

import (
	"context"
	"errors"
	"path"
	"sync/atomic"

	"github.com/raftlab/raftlab/core/store"
)

// authDirs are what etcd creates in its v2 store before the first auth change a member makes
// (ensureAuthDirectories): the auth directory, the users and roles directories, and the enabled
// flag ("false"), each only if missing. Each one created takes an etcd index, so that the indexes
// kvd's auth records take are etcd's.
var authDirs = []string{path.Dir(authUsersDir), authUsersDir, authRolesDir}

// ensureAuthDirs creates authDirs and the enabled flag where missing, once per member (a member
// that restarts tries again; what exists is left alone and takes no index).
func (s authStore) ensureAuthDirs(ctx context.Context) error {
	if s.dirsEnsured.Load() {
		return nil
	}
	for _, d := range authDirs {
		if err := s.createIfMissing(ctx, store.Request{Op: store.OpCreate, Key: d, Dir: true}); err != nil {
			return err
		}
	}
	if err := s.createIfMissing(ctx, store.Request{Op: store.OpCreate, Key: authEnabledPath, Value: "false"}); err != nil {
		return err
	}
	s.dirsEnsured.Store(true)
	return nil
}

// createIfMissing replicates a create; finding the node there already is no error.
func (s authStore) createIfMissing(ctx context.Context, w store.Request) error {
	if err := s.replicate(ctx, w); err != nil && !errors.Is(err, errConcurrentChange) {
		return err
	}
	return nil
}

// newAuthStore is the auth records of the member behind backend; reader nil means the backend
// keeps no internal namespace (auth unsupported).
func newAuthStore(backend Backend, reader InternalReader) authStore {
	return authStore{backend: backend, reader: reader, dirsEnsured: new(atomic.Bool)}
}
