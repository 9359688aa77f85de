package main

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
)

// askPassword asks for a password as etcdctl (through its speakeasy library) does: the prompt on
// stdout, the terminal's echo off while one line of stdin is read, then a newline on stdout. The
// line is read a byte at a time, so nothing after it is consumed; the end of stdin ends it, so an
// empty stdin is an empty password. Spaces around the password are dropped. An interrupt while
// waiting for the line turns the echo back on and ends the command.
func (cx *cmdContext) askPassword(prompt string) (string, error) {
	a := cx.app
	fmt.Fprint(a.stdout, prompt)
	defer fmt.Fprintln(a.stdout)
	if a.setEcho != nil {
		a.setEcho(false)
		defer a.setEcho(true)
	}
	type read struct {
		line string
		err  error
	}
	done := make(chan read, 1)
	go func() {
		line, err := readLine(a.stdin)
		done <- read{line, err}
	}()
	select {
	case r := <-done:
		if r.err != nil {
			return "", fmt.Errorf("failed during password entry: %w", r.err)
		}
		return strings.TrimSpace(r.line), nil
	case <-a.ctx.Done():
		return "", fmt.Errorf("password entry: %w", a.ctx.Err())
	}
}

// readLine reads r a byte at a time up to a newline (not included) or its end, and drops a final
// carriage return. A nil r is an empty line.
func readLine(r io.Reader) (string, error) {
	if r == nil {
		return "", nil
	}
	var line []byte
	b := make([]byte, 1)
	for {
		n, err := r.Read(b)
		if n == 1 {
			if b[0] == '\n' {
				break
			}
			line = append(line, b[0])
			continue
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", err
		}
	}
	return strings.TrimSuffix(string(line), "\r"), nil
}

// sttyEcho turns the echo of the terminal on kvctl's stdin on or off with /bin/stty, as etcdctl
// does; stty's complaints (stdin is no terminal) go to stderr, its failure is ignored.
func sttyEcho(on bool) {
	arg := "-echo"
	if on {
		arg = "echo"
	}
	cmd := exec.Command("/bin/stty")
	cmd.Args = []string{"stty", arg} // named as etcdctl names it, which stty's messages show
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	_ = cmd.Run()
}
