package parity

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"strings"
	"syscall"
)

// endpointVariables are the environment variables etcdctl takes its endpoints from.
var endpointVariables = []string{"ETCDCTL_ENDPOINTS=", "ETCDCTL_ENDPOINT=", "ETCDCTL_PEERS=", "ETCDCTL_DISCOVERY_SRV="}

// ctlArgs are the arguments of a run for this side: the case's, after an --endpoints flag naming
// the step's member unless the case gives its own endpoints, by a flag or a variable.
func (s *side) ctlArgs(st *step) ([]string, error) {
	args, err := s.expandAll(st.ctl.args)
	if err != nil {
		return nil, err
	}
	for _, v := range st.ctl.env {
		for _, prefix := range endpointVariables {
			if strings.HasPrefix(v, prefix) {
				return args, nil
			}
		}
	}
	for _, a := range args {
		for _, flag := range []string{"--endpoints", "--endpoint", "--peers", "-C", "--discovery-srv", "-D"} {
			if a == flag || strings.HasPrefix(a, flag+"=") {
				return args, nil
			}
		}
	}
	return append([]string{"--endpoints=" + s.members[st.member].ClientURL}, args...), nil
}

// ctlCommand prepares a run of this side's client. Its environment holds only PATH and the
// case's variables, so no ETCDCTL_* variable of the test's environment leaks in.
func (s *side) ctlCommand(ctx context.Context, st *step) (*exec.Cmd, error) {
	args, err := s.ctlArgs(st)
	if err != nil {
		return nil, err
	}
	env, err := s.expandAll(st.ctl.env)
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, s.ctl, args...)
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH")}, env...)
	if st.ctl.hasStdin {
		stdin, err := s.expand(st.ctl.stdin)
		if err != nil {
			return nil, err
		}
		cmd.Stdin = strings.NewReader(stdin)
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	return cmd, nil
}

// runCtl runs one etcdctl / kvctl step to its end.
func (s *side) runCtl(ctx context.Context, st *step) (func() string, error) {
	ctx, cancel := context.WithTimeout(ctx, stepTimeout)
	defer cancel()
	cmd, err := s.ctlCommand(ctx, st)
	if err != nil {
		return nil, err
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	a := &ctlAnswer{}
	if err := cmd.Run(); err != nil {
		var exit *exec.ExitError
		if !errors.As(err, &exit) || ctx.Err() != nil {
			a.err = err
		} else {
			a.exit = exit.ExitCode()
		}
	}
	a.stdout, a.stderr = stdout.String(), stderr.String()
	return s.ctlAnswered(a), nil
}

// ctlAnswered keeps the run's output for match and returns its rendering, deferred to the end of
// the sequence.
func (s *side) ctlAnswered(a *ctlAnswer) func() string {
	s.lastRaw = a.stdout + a.stderr
	n := s.norm.at(s.norm.base)
	return func() string { return a.canonical(n) }
}
