package realcluster

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"sync"
	"syscall"
)

// MemberState is what the lab did to a member's process.
type MemberState string

// The member states.
const (
	StateRunning MemberState = "running"
	StateDown    MemberState = "down"   // killed with SIGKILL (or exited by itself)
	StatePaused  MemberState = "paused" // stopped with SIGSTOP
)

// process is one member: its fixed addresses and, while it runs, its kvd process.
type process struct {
	name       string
	dataDir    string
	logPath    string
	clientURL  string
	peerListen string // host:port kvd listens on for peers
	proxyAddr  string // host:port the member advertises (its proxy)

	mu     sync.Mutex // guards the fields below: the executor and the sampler both look
	cmd    *exec.Cmd
	exited chan struct{}
	paused bool
}

// start runs kvd with args in its own process group, its stderr appended to the member's log.
func (p *process) start(binary string, args []string) error {
	log, err := os.OpenFile(p.logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("%s: open log: %w", p.name, err)
	}
	cmd := exec.Command(binary, args...)
	cmd.Stdout, cmd.Stderr = log, log
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		_ = log.Close()
		return fmt.Errorf("%s: start kvd: %w", p.name, err)
	}
	exited := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		_ = log.Close()
		close(exited)
	}()
	p.mu.Lock()
	p.cmd, p.exited, p.paused = cmd, exited, false
	p.mu.Unlock()
	return nil
}

// state is whether the process runs, is paused or is gone.
func (p *process) state() MemberState {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.stateLocked()
}

// stateLocked is state with p.mu held.
func (p *process) stateLocked() MemberState {
	if p.cmd == nil {
		return StateDown
	}
	select {
	case <-p.exited:
		return StateDown
	default:
	}
	if p.paused {
		return StatePaused
	}
	return StateRunning
}

// signal sends sig to the member's process group when the member is in state want, and then
// records whether it is paused.
func (p *process) signal(sig syscall.Signal, want MemberState, paused bool) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if st := p.stateLocked(); st != want {
		return fmt.Errorf("%s is %s, not %s", p.name, st, want)
	}
	if err := syscall.Kill(-p.cmd.Process.Pid, sig); err != nil && !errors.Is(err, syscall.ESRCH) {
		return fmt.Errorf("%s: %v: %w", p.name, sig, err)
	}
	p.paused = paused
	return nil
}

// kill sends SIGKILL (kill -9) to a running or paused member and waits until it is gone.
func (p *process) kill() error {
	p.mu.Lock()
	if p.stateLocked() == StateDown {
		p.mu.Unlock()
		return fmt.Errorf("%s is already down", p.name)
	}
	err := syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
	exited := p.exited
	p.paused = false
	p.mu.Unlock()
	if err != nil && !errors.Is(err, syscall.ESRCH) {
		return fmt.Errorf("%s: kill: %w", p.name, err)
	}
	<-exited
	return nil
}
