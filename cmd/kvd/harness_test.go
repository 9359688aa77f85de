package main

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// kvdBinary is built once per test run by TestMain.
var kvdBinary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "kvd-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	kvdBinary = filepath.Join(dir, "kvd")
	goTool := filepath.Join(runtime.GOROOT(), "bin", "go")
	args := []string{"build", "-o", kvdBinary}
	if os.Getenv("KVD_E2E_RACE") != "" {
		args = append(args, "-race") // the processes under test run with the race detector
	}
	build := exec.Command(goTool, append(args, ".")...)
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build kvd:", err)
		_ = os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

// Timing flags for every test process: fast elections keep the suite short.
var fastTiming = []string{"--heartbeat-interval", "20", "--election-timeout", "200"}

// syncBuffer collects a process's stderr.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// member is one kvd process.
type member struct {
	name      string
	dataDir   string
	peerURL   string
	clientURL string
	cmd       *exec.Cmd
	stderr    *syncBuffer
	exited    chan struct{}
	exitErr   error
	// env is added to the process's environment (e.g. GOMEMLIMIT).
	env []string
}

// freePort reserves a port on 127.0.0.1 and releases it for the process to bind.
// freePort finds a free 127.0.0.1 port for a kvd process to bind. It draws below Linux's ephemeral
// range (32768 and up), where port 0 listeners and outgoing connections get theirs: a port found free
// there could be handed to one of those before kvd binds it.
// portsHandedOut are the ports freePort gave out in this test binary: a port closed again is free
// until its member binds it, so two draws could otherwise give two members the same port.
var portsHandedOut sync.Map

func freePort(t *testing.T) string {
	t.Helper()
	for range 100 {
		ln, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(20000+rand.IntN(12000)))
		if err != nil {
			continue // taken: draw another
		}
		addr := ln.Addr().String()
		require.NoError(t, ln.Close())
		if _, taken := portsHandedOut.LoadOrStore(addr, true); taken {
			continue // free now, but another member of this test binary was given it
		}
		return addr
	}
	t.Fatal("100 ports in a row were taken")
	return ""
}

func newMember(t *testing.T, name, dir string) *member {
	return &member{name: name, dataDir: filepath.Join(dir, name+".etcd"),
		peerURL: "http://" + freePort(t), clientURL: "http://" + freePort(t)}
}

// baseArgs are the flags every member gets: its name, data dir and URLs.
func (m *member) baseArgs() []string {
	args := []string{"--name", m.name, "--data-dir", m.dataDir,
		"--listen-peer-urls", m.peerURL, "--initial-advertise-peer-urls", m.peerURL,
		"--listen-client-urls", m.clientURL, "--advertise-client-urls", m.clientURL, "--log-format", "text"}
	return append(args, fastTiming...)
}

// start runs kvd with the base flags and extra ones; the process is killed at the end of the test.
func (m *member) start(t *testing.T, extra ...string) {
	t.Helper()
	m.startWith(t, append(m.baseArgs(), extra...)...)
}

// startWith runs kvd with exactly args.
func (m *member) startWith(t *testing.T, args ...string) {
	t.Helper()
	m.stderr = &syncBuffer{}
	m.exited = make(chan struct{})
	m.cmd = exec.Command(kvdBinary, args...)
	m.cmd.Stderr = m.stderr
	if m.env != nil {
		m.cmd.Env = append(os.Environ(), m.env...)
	}
	m.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	require.NoError(t, m.cmd.Start())
	go func(cmd *exec.Cmd, exited chan struct{}) {
		m.exitErr = cmd.Wait()
		close(exited)
	}(m.cmd, m.exited)
	t.Cleanup(func() {
		m.kill()
		if strings.Contains(m.stderr.String(), "WARNING: DATA RACE") {
			t.Errorf("%s: the race detector fired", m.name)
		}
		if t.Failed() {
			t.Logf("--- %s stderr (last 3000 bytes) ---\n%s", m.name, tail(m.stderr.String(), 3000))
		}
	})
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[len(s)-n:]
}

// kill sends SIGKILL to the process group (kill -9) and waits for the exit.
func (m *member) kill() {
	if m.cmd == nil || m.cmd.Process == nil {
		return
	}
	select {
	case <-m.exited:
		return
	default:
	}
	_ = syscall.Kill(-m.cmd.Process.Pid, syscall.SIGKILL)
	<-m.exited
}

// terminate sends SIGTERM and waits for a graceful exit.
func (m *member) terminate(t *testing.T) {
	t.Helper()
	require.NoError(t, m.cmd.Process.Signal(syscall.SIGTERM))
	select {
	case <-m.exited:
	case <-time.After(10 * time.Second):
		t.Fatalf("%s did not stop on SIGTERM", m.name)
	}
}

// waitHealthy polls /health until it answers 200.
func (m *member) waitHealthy(t *testing.T) {
	t.Helper()
	client := &http.Client{Timeout: time.Second}
	require.Eventually(t, func() bool {
		resp, err := client.Get(m.clientURL + "/health")
		if err != nil {
			return false
		}
		_ = resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	}, 20*time.Second, 20*time.Millisecond, "%s never became healthy:\n%s", m.name, tail(m.stderr.String(), 2000))
}

// cluster is a statically bootstrapped set of kvd processes.
type cluster struct {
	members []*member
	initial string
	dir     string
}

func startCluster(t *testing.T, size int) *cluster {
	t.Helper()
	c := &cluster{dir: t.TempDir()}
	var pairs []string
	for i := range size {
		m := newMember(t, fmt.Sprintf("infra%d", i+1), c.dir)
		c.members = append(c.members, m)
		pairs = append(pairs, m.name+"="+m.peerURL)
	}
	c.initial = strings.Join(pairs, ",")
	for _, m := range c.members {
		m.start(t, c.staticArgs()...)
	}
	for _, m := range c.members {
		m.waitHealthy(t)
	}
	return c
}

func (c *cluster) staticArgs() []string {
	return []string{"--initial-cluster", c.initial, "--initial-cluster-token", "e2e-token", "--initial-cluster-state", "new"}
}

func (c *cluster) endpoints() []string {
	var out []string
	for _, m := range c.members {
		out = append(out, m.clientURL)
	}
	return out
}

// leaderIndex finds the member that /v2/stats/self calls the leader, as the running members agree.
func (c *cluster) leaderIndex(t *testing.T, skip *member) int {
	t.Helper()
	found := -1
	require.Eventually(t, func() bool {
		for i, m := range c.members {
			if m == skip {
				continue
			}
			var st struct {
				State string `json:"state"`
			}
			if getJSON(m.clientURL+"/v2/stats/self", &st) == nil && st.State == "StateLeader" {
				found = i
				return true
			}
		}
		return false
	}, 20*time.Second, 20*time.Millisecond)
	return found
}

func ctxTimeout(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}
