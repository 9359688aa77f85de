// Package etcdref builds the reference etcd: the real etcd v3.5.33 server and its v2 etcdctl,
// compiled from the Go module proxy in the nested module under module/ (so the main go.mod stays
// lean), into a cache directory shared by every test, benchmark and command of the project.
//
// Binaries builds once per version of module/go.sum; concurrent callers, in one process or many
// (go test runs packages in parallel), wait on a file lock instead of building twice.
package etcdref

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"syscall"
)

// Version is the etcd release the nested module builds.
const Version = "3.5.33"

// Binaries are the paths of the built reference programs.
type Binaries struct {
	// Etcd is the etcd server; start it with --enable-v2 to serve the v2 API.
	Etcd string
	// Etcdctl is etcdctl in v2 mode (ETCDCTL_API=2 is its only mode).
	Etcdctl string
}

// CacheDirEnv names the environment variable that overrides the cache directory.
const CacheDirEnv = "RAFTLAB_ETCD_CACHE"

// Build returns the reference binaries, building them first when the cache does not hold the
// build of this module's go.sum. It needs the go command on PATH and the Go module proxy (or a
// warm module cache).
func Build(ctx context.Context) (Binaries, error) {
	src, err := moduleDir()
	if err != nil {
		return Binaries{}, err
	}
	sum, err := os.ReadFile(filepath.Join(src, "go.sum"))
	if err != nil {
		return Binaries{}, fmt.Errorf("etcdref: read go.sum: %w", err)
	}
	cache, err := cacheDir()
	if err != nil {
		return Binaries{}, err
	}
	h := sha256.Sum256(sum)
	dir := filepath.Join(cache, "etcd-v"+Version+"-"+hex.EncodeToString(h[:6]))
	bins := Binaries{Etcd: filepath.Join(dir, "etcd"), Etcdctl: filepath.Join(dir, "etcdctl")}
	if built(bins) {
		return bins, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return Binaries{}, fmt.Errorf("etcdref: %w", err)
	}
	unlock, err := lock(filepath.Join(dir, ".lock"))
	if err != nil {
		return Binaries{}, err
	}
	defer unlock()
	if built(bins) { // another process built it while we waited
		return bins, nil
	}
	tmp, err := os.MkdirTemp(dir, "build-")
	if err != nil {
		return Binaries{}, fmt.Errorf("etcdref: %w", err)
	}
	defer os.RemoveAll(tmp)
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-o", tmp+string(filepath.Separator), "./etcd", "./etcdctl")
	cmd.Dir = src
	cmd.Env = append(os.Environ(), "GOWORK=off", "CGO_ENABLED=0", "GOFLAGS=-mod=readonly")
	if out, err := cmd.CombinedOutput(); err != nil {
		return Binaries{}, fmt.Errorf("etcdref: go build in %s: %w\n%s", src, err, out)
	}
	// Each binary lands under its final name only when complete, etcdctl last: built() sees both.
	for _, name := range []string{"etcd", "etcdctl"} {
		if err := os.Rename(filepath.Join(tmp, name), filepath.Join(dir, name)); err != nil {
			return Binaries{}, fmt.Errorf("etcdref: %w", err)
		}
	}
	return bins, nil
}

// built reports whether both binaries are in place.
func built(b Binaries) bool {
	for _, p := range []string{b.Etcd, b.Etcdctl} {
		if st, err := os.Stat(p); err != nil || !st.Mode().IsRegular() {
			return false
		}
	}
	return true
}

// moduleDir is the nested module's directory, found from this source file.
func moduleDir() (string, error) {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		return "", errors.New("etcdref: cannot locate the module directory")
	}
	dir := filepath.Join(filepath.Dir(file), "module")
	if _, err := os.Stat(filepath.Join(dir, "go.mod")); err != nil {
		return "", fmt.Errorf("etcdref: nested module not found: %w", err)
	}
	return dir, nil
}

// cacheDir is $RAFTLAB_ETCD_CACHE, or raftlab under the user's cache directory.
func cacheDir() (string, error) {
	if d := os.Getenv(CacheDirEnv); d != "" {
		return d, nil
	}
	d, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("etcdref: no cache directory (set %s): %w", CacheDirEnv, err)
	}
	return filepath.Join(d, "raftlab"), nil
}

// lock takes an exclusive lock on path, waiting for another holder.
func lock(path string) (func(), error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, fmt.Errorf("etcdref: lock: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, fmt.Errorf("etcdref: lock: %w", err)
	}
	return func() {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}
