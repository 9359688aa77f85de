package server

import (
	"context"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/raftlab/raftlab/core/node"
	"github.com/raftlab/raftlab/core/raft"
	"github.com/raftlab/raftlab/core/store"
	"github.com/raftlab/raftlab/core/wal"
	"github.com/stretchr/testify/require"
)

// testCluster is a set of in-process members on 127.0.0.1 with real sockets and real files.
type testCluster struct {
	t        testing.TB
	dir      string
	members  []node.Member
	servers  []*Server
	addrs    []string
	failDisk []*atomic.Bool
	tweak    func(*Config) // applied to every member's Config when set
}

const (
	testHeartbeat = 10 * time.Millisecond
	testElection  = 100 * time.Millisecond
)

// quietLogger discards logs unless SERVER_TEST_LOG is set.
func quietLogger() *slog.Logger {
	if os.Getenv("SERVER_TEST_LOG") != "" {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

// freeAddr reserves a port on 127.0.0.1 and releases it for the member to bind.
func freeAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	return addr
}

// freeAddrs returns n distinct free addresses on 127.0.0.1: it holds each port's listener until it
// has all of them, so that the kernel cannot hand the same port out twice (freeAddr called n times
// could, and a cluster then had two members with the same peer URL).
func freeAddrs(t testing.TB, n int) []string {
	t.Helper()
	addrs := make([]string, 0, n)
	for range n {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		defer ln.Close()
		addrs = append(addrs, ln.Addr().String())
	}
	return addrs
}

func newTestCluster(t testing.TB, size int) *testCluster {
	t.Helper()
	return newTestClusterWith(t, size, nil)
}

// newTestClusterWith is newTestCluster with tweak applied to every member's Config.
func newTestClusterWith(t testing.TB, size int, tweak func(*Config)) *testCluster {
	t.Helper()
	c := startTestCluster(t, t.TempDir(), size, tweak)
	t.Cleanup(c.stopAll)
	return c
}

// startTestCluster starts size members with their data under dir; the caller stops them.
func startTestCluster(t testing.TB, dir string, size int, tweak func(*Config)) *testCluster {
	t.Helper()
	c := &testCluster{t: t, dir: dir, tweak: tweak}
	for i, addr := range freeAddrs(t, size) {
		c.addrs = append(c.addrs, addr)
		c.members = append(c.members, node.Member{Name: "m" + strconv.Itoa(i), PeerURLs: []string{"http://" + addr}})
		c.failDisk = append(c.failDisk, new(atomic.Bool))
	}
	c.servers = make([]*Server, size)
	for i := range size {
		c.start(i)
	}
	return c
}

func (c *testCluster) config(i int) Config {
	ln, err := net.Listen("tcp", c.addrs[i])
	require.NoError(c.t, err)
	cfg := Config{
		Name: c.members[i].Name, DataDir: filepath.Join(c.dir, c.members[i].Name+".etcd"),
		PeerListener: ln, PeerURLs: c.members[i].PeerURLs, ClientURLs: []string{"http://client-" + c.members[i].Name},
		InitialCluster: c.members, Token: "test-token",
		HeartbeatInterval: testHeartbeat, ElectionTimeout: testElection, StrictReconfigCheck: true,
		Logger: quietLogger(), FS: failingFS{FS: wal.OSFS(), fail: c.failDisk[i]},
	}
	if c.tweak != nil {
		c.tweak(&cfg)
	}
	return cfg
}

func (c *testCluster) start(i int) {
	s, err := Start(c.config(i))
	require.NoError(c.t, err)
	c.servers[i] = s
}

func (c *testCluster) stop(i int) {
	if c.servers[i] == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	require.NoError(c.t, c.servers[i].Stop(ctx))
	c.servers[i] = nil
}

func (c *testCluster) stopAll() {
	for i := range c.servers {
		c.stop(i)
	}
}

// leader waits until a running member leads and every running member knows it; it returns the
// leader's index.
func (c *testCluster) leader() int {
	c.t.Helper()
	found := -1
	require.Eventually(c.t, func() bool {
		found = -1
		for i, s := range c.servers {
			if s != nil && s.Status().Role == raft.RoleLeader {
				found = i
			}
		}
		if found < 0 {
			return false
		}
		for _, s := range c.servers {
			if s != nil && s.Status().Lead != c.servers[found].ID() {
				return false
			}
		}
		return true
	}, 10*time.Second, 5*time.Millisecond)
	return found
}

// waitPublished waits until member i sees every member's name and client URLs.
func (c *testCluster) waitPublished(i int) {
	c.t.Helper()
	require.Eventually(c.t, func() bool {
		for _, m := range c.servers[i].Status().Members {
			if m.Name == "" || len(m.ClientURLs) == 0 {
				return false
			}
		}
		return true
	}, 10*time.Second, 5*time.Millisecond)
}

func (c *testCluster) set(i int, key, value string) (node.Reply, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return c.servers[i].Do(ctx, node.Request{Kind: node.KindWrite, Write: store.Request{Op: store.OpSet, Key: key, Value: value}})
}

// failingFS is the real disk whose fsyncs fail while fail is set.
type failingFS struct {
	wal.FS
	fail *atomic.Bool
}

func (f failingFS) OpenFile(name string, flag int, perm os.FileMode) (wal.File, error) {
	file, err := f.FS.OpenFile(name, flag, perm)
	if err != nil {
		return nil, err
	}
	return failingFile{File: file, fail: f.fail}, nil
}

type failingFile struct {
	wal.File
	fail *atomic.Bool
}

var errInjected = io.ErrShortWrite

func (f failingFile) Sync() error {
	if f.fail.Load() {
		return errInjected
	}
	return f.File.Sync()
}
