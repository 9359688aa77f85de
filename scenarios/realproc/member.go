package realproc

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"sync"
	"syscall"
	"time"
)

// State says whether a member's process runs.
type State string

// The member states.
const (
	Running State = "running"
	Down    State = "down" // killed, stopped, or exited by itself
)

// Member is one member of a cluster: its fixed name, addresses and files and, while it runs, its
// process.
type Member struct {
	// Name is the member's --name.
	Name string
	// ClientURL is the URL the member listens on and advertises for clients (http://127.0.0.1:P).
	ClientURL string
	// PeerURL is the peer URL the member advertises (and the one in --initial-cluster).
	PeerURL string
	// PeerListen is the URL the member listens on for peers; it equals PeerURL unless something
	// (a proxy) sits between them.
	PeerListen string
	// DataDir is the member's --data-dir.
	DataDir string
	// LogPath is the file the member's stdout and stderr are appended to, across restarts.
	LogPath string

	mu     sync.Mutex // guards the fields below: tests and cleanup may look concurrently
	cmd    *exec.Cmd
	exited chan struct{}
	// wanted is whether the member should run: set by start, cleared by kill and stop, so that
	// a member that exits by itself is told apart from one taken down on purpose.
	wanted bool
}

// start runs binary with args in its own process group, its output appended to the member's log.
func (m *Member) start(binary string, args, env []string) error {
	log, err := os.OpenFile(m.LogPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("realproc: %s: open log: %w", m.Name, err)
	}
	cmd := exec.Command(binary, args...)
	cmd.Stdout, cmd.Stderr = log, log
	cmd.Env = append(os.Environ(), env...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		_ = log.Close()
		return fmt.Errorf("realproc: %s: start %s: %w", m.Name, binary, err)
	}
	exited := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		_ = log.Close()
		close(exited)
	}()
	m.mu.Lock()
	m.cmd, m.exited, m.wanted = cmd, exited, true
	m.mu.Unlock()
	return nil
}

// State says whether the member's process runs.
func (m *Member) State() State {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.cmd == nil {
		return Down
	}
	select {
	case <-m.exited:
		return Down
	default:
		return Running
	}
}

// PID is the process ID of the member's current run, or 0 when it is down.
func (m *Member) PID() int {
	if m.State() == Down {
		return 0
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.cmd.Process.Pid
}

// crashed reports whether the member should run but its process is gone.
func (m *Member) crashed() bool {
	m.mu.Lock()
	wanted := m.wanted
	m.mu.Unlock()
	return wanted && m.State() == Down
}

// Log is the member's log so far (every run of it), or the error reading it.
func (m *Member) Log() string {
	b, err := os.ReadFile(m.LogPath)
	if err != nil {
		return fmt.Sprintf("(log %s: %v)", m.LogPath, err)
	}
	return string(b)
}

// signal sends sig to the member's process group and waits up to wait for the exit. It returns
// whether the process exited.
func (m *Member) signal(sig syscall.Signal, wait time.Duration) (bool, error) {
	m.mu.Lock()
	cmd, exited := m.cmd, m.exited
	m.wanted = false
	m.mu.Unlock()
	if cmd == nil {
		return false, fmt.Errorf("realproc: %s was never started", m.Name)
	}
	select {
	case <-exited:
		return false, fmt.Errorf("realproc: %s is already down", m.Name)
	default:
	}
	if err := syscall.Kill(-cmd.Process.Pid, sig); err != nil && !errors.Is(err, syscall.ESRCH) {
		return false, fmt.Errorf("realproc: %s: %v: %w", m.Name, sig, err)
	}
	select {
	case <-exited:
		return true, nil
	case <-time.After(wait):
		return false, nil
	}
}

// kill sends SIGKILL (kill -9) and waits until the process is gone.
func (m *Member) kill() error {
	if _, err := m.signal(syscall.SIGKILL, time.Hour); err != nil {
		return err
	}
	return nil
}

// stop sends SIGTERM and waits up to grace for a clean exit, then kills.
func (m *Member) stop(grace time.Duration) error {
	gone, err := m.signal(syscall.SIGTERM, grace)
	if err != nil || gone {
		return err
	}
	if err := m.kill(); err != nil {
		return err
	}
	return fmt.Errorf("realproc: %s did not stop within %v of SIGTERM and was killed", m.Name, grace)
}
