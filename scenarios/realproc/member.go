package realproc

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"time"
)

// State says what became of a member's process.
type State string

// The member states.
const (
	Running State = "running"
	Paused  State = "paused" // stopped with SIGSTOP
	Down    State = "down"   // killed, stopped, or exited by itself
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
	// PeerListen is the URL the member listens on for peers; it equals PeerURL unless a proxy sits
	// between them (Config.Proxies).
	PeerListen string
	// DataDir is the member's --data-dir.
	DataDir string
	// LogPath is the file the member's stdout and stderr are appended to, across restarts.
	LogPath string

	mu      sync.Mutex // guards the fields below: tests, samplers and cleanup look concurrently
	cmd     *exec.Cmd
	exited  chan struct{}
	exitErr error
	paused  bool
	// wanted is whether the member should run: set by Start, cleared by kill and stop, so that
	// a member that exits by itself is told apart from one taken down on purpose.
	wanted bool
	// binary, args and env are what the member was last started with (a restart uses them).
	binary    string
	args, env []string
	// logStart is the size of the log file when the last start began (RunLog reads from there).
	logStart int64
}

// NewMember picks free ports for a member called name whose data directory and log are in dir.
// Clusters make their members this way; a test that starts a member by hand (its own flags, a
// discovery URL) does too.
func NewMember(dir, name string) (*Member, error) { return newMemberWith(processPorts, dir, name) }

// newMemberWith is NewMember with the member's ports drawn from ports.
func newMemberWith(ports *Ports, dir, name string) (*Member, error) {
	peer, err := ports.Addr()
	if err != nil {
		return nil, err
	}
	client, err := ports.Addr()
	if err != nil {
		return nil, err
	}
	return &Member{Name: name, ClientURL: "http://" + client, PeerURL: "http://" + peer,
		PeerListen: "http://" + peer, DataDir: filepath.Join(dir, name+".etcd"),
		LogPath: filepath.Join(dir, name+".log")}, nil
}

// URLArgs are the member's name, data directory and URL flags: what every start of it passes.
func (m *Member) URLArgs() []string {
	return []string{"--name", m.Name, "--data-dir", m.DataDir,
		"--listen-peer-urls", m.PeerListen, "--initial-advertise-peer-urls", m.PeerURL,
		"--listen-client-urls", m.ClientURL, "--advertise-client-urls", m.ClientURL}
}

// Start runs binary with args (and env added to this process's environment) in its own process
// group, its output appended to the member's log. It does not wait for the member to serve.
func (m *Member) Start(binary string, args, env []string) error {
	if m.State() != Down {
		return fmt.Errorf("realproc: %s is %s", m.Name, m.State())
	}
	log, err := os.OpenFile(m.LogPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("realproc: %s: open log: %w", m.Name, err)
	}
	var logStart int64
	if fi, err := log.Stat(); err == nil {
		logStart = fi.Size()
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
	m.mu.Lock()
	m.cmd, m.exited, m.exitErr, m.paused, m.wanted = cmd, exited, nil, false, true
	m.binary, m.args, m.env = binary, append([]string(nil), args...), append([]string(nil), env...)
	m.logStart = logStart
	m.mu.Unlock()
	go func() {
		err := cmd.Wait()
		_ = log.Close()
		m.mu.Lock()
		m.exitErr = err
		m.mu.Unlock()
		close(exited)
	}()
	return nil
}

// Restart starts a member that is down again with what it was last started with.
func (m *Member) Restart() error {
	m.mu.Lock()
	binary, args, env := m.binary, m.args, m.env
	m.mu.Unlock()
	if binary == "" {
		return fmt.Errorf("realproc: %s was never started", m.Name)
	}
	return m.Start(binary, args, env)
}

// State says whether the member's process runs, is paused or is gone.
func (m *Member) State() State {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.stateLocked()
}

func (m *Member) stateLocked() State {
	if m.cmd == nil {
		return Down
	}
	select {
	case <-m.exited:
		return Down
	default:
	}
	if m.paused {
		return Paused
	}
	return Running
}

// PID is the process ID of the member's current run (running or paused), or 0 when it is down.
func (m *Member) PID() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.stateLocked() == Down {
		return 0
	}
	return m.cmd.Process.Pid
}

// Exited is closed when the process of the member's last start ends (nil before the first start).
func (m *Member) Exited() <-chan struct{} {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.exited
}

// ExitErr is how the process of the member's last start ended (nil while it runs, or for a clean
// exit).
func (m *Member) ExitErr() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.exitErr
}

// Crashed reports whether the member should run but its process is gone: it exited by itself
// (a member removed from the cluster does so too).
func (m *Member) Crashed() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.wanted && m.stateLocked() == Down
}

// Log is the member's log so far (every run of it), or the error reading it.
func (m *Member) Log() string {
	b, err := os.ReadFile(m.LogPath)
	if err != nil {
		return fmt.Sprintf("(log %s: %v)", m.LogPath, err)
	}
	return string(b)
}

// RunLog is what the member's last start wrote to its log so far (Log has every start).
func (m *Member) RunLog() string {
	m.mu.Lock()
	start := m.logStart
	m.mu.Unlock()
	log := m.Log()
	if int64(len(log)) < start {
		return log
	}
	return log[start:]
}

// Signal sends sig to the member's process group (a running or paused member).
func (m *Member) Signal(sig syscall.Signal) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.stateLocked() == Down {
		return fmt.Errorf("realproc: %s is down", m.Name)
	}
	if err := syscall.Kill(-m.cmd.Process.Pid, sig); err != nil && !errors.Is(err, syscall.ESRCH) {
		return fmt.Errorf("realproc: %s: %v: %w", m.Name, sig, err)
	}
	return nil
}

// Pause freezes the member with SIGSTOP.
func (m *Member) Pause() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if st := m.stateLocked(); st != Running {
		return fmt.Errorf("realproc: %s is %s, not running", m.Name, st)
	}
	if err := syscall.Kill(-m.cmd.Process.Pid, syscall.SIGSTOP); err != nil {
		return fmt.Errorf("realproc: %s: pause: %w", m.Name, err)
	}
	m.paused = true
	return nil
}

// Resume unfreezes a paused member with SIGCONT.
func (m *Member) Resume() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if st := m.stateLocked(); st != Paused {
		return fmt.Errorf("realproc: %s is %s, not paused", m.Name, st)
	}
	if err := syscall.Kill(-m.cmd.Process.Pid, syscall.SIGCONT); err != nil {
		return fmt.Errorf("realproc: %s: resume: %w", m.Name, err)
	}
	m.paused = false
	return nil
}

// terminate sends sig to the member's process group, expecting it to end, and waits up to wait
// for the exit. It returns whether the process exited.
func (m *Member) terminate(sig syscall.Signal, wait time.Duration) (bool, error) {
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
	if sig != syscall.SIGKILL {
		// A paused process handles SIGTERM only once it runs again.
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGCONT)
	}
	select {
	case <-exited:
		m.mu.Lock()
		m.paused = false
		m.mu.Unlock()
		return true, nil
	case <-time.After(wait):
		return false, nil
	}
}

// Kill sends SIGKILL (kill -9) to a running or paused member and waits until it is gone.
func (m *Member) Kill() error {
	if _, err := m.terminate(syscall.SIGKILL, time.Hour); err != nil {
		return err
	}
	return nil
}

// Stop sends SIGTERM and waits up to grace for a clean exit, then kills.
func (m *Member) Stop(grace time.Duration) error {
	gone, err := m.terminate(syscall.SIGTERM, grace)
	if err != nil || gone {
		return err
	}
	if err := m.Kill(); err != nil {
		return err
	}
	return fmt.Errorf("realproc: %s did not stop within %v of SIGTERM and was killed", m.Name, grace)
}
