package parity

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strings"
	"time"
)

// background is an HTTP request (a watch) or a ctl run (etcdctl watch) started by bg and
// finished by collect. Its output arrives line by line.
type background struct {
	alias   string
	request *httpRequest // the resolved request, for an HTTP step
	cancel  context.CancelFunc
	// headers is closed when the HTTP answer's status and headers are in answer.
	headers chan struct{}
	answer  *httpAnswer
	lines   chan string // body or stdout lines; closed at the end
	// ended is closed when a ctl run has exited; exit and stderr are then set.
	ended  chan struct{}
	exit   int
	stderr bytes.Buffer
	runErr error
}

// headerWait is how long bg waits for a watch's headers, which etcd flushes on registration: once
// they are in, the watch is registered and the next step may trigger it.
const headerWait = 5 * time.Second

// startBackground runs a bg step.
func (s *side) startBackground(ctx context.Context, st *step) error {
	if _, dup := s.bg[st.name]; dup {
		return fmt.Errorf("background %q started twice", st.name)
	}
	ctx, cancel := context.WithCancel(ctx)
	b := &background{alias: st.inner.member, cancel: cancel, lines: make(chan string, 1024)}
	s.bg[st.name] = b
	if st.inner.kind == stepCtl {
		return s.startCtl(ctx, st.inner, b)
	}
	r, err := s.resolve(st.inner.http)
	if err != nil {
		return err
	}
	b.request, b.headers = r, make(chan struct{})
	req, err := newRequest(ctx, s.members[st.inner.member], r)
	if err != nil {
		return err
	}
	go func() {
		defer close(b.lines)
		resp, err := s.client.Do(req)
		if err != nil {
			b.answer = &httpAnswer{err: err}
			close(b.headers)
			return
		}
		defer resp.Body.Close()
		b.answer = &httpAnswer{status: resp.StatusCode, header: resp.Header}
		close(b.headers)
		readLines(resp.Body, b.lines)
	}()
	select {
	case <-b.headers:
	case <-time.After(headerWait):
	}
	return nil
}

// readLines sends each line of r (its newline kept) until the end or an error.
func readLines(r io.Reader, lines chan<- string) {
	br := bufio.NewReader(r)
	for {
		line, err := br.ReadString('\n')
		if line != "" {
			lines <- line
		}
		if err != nil {
			return
		}
	}
}

// startCtl starts a ctl run whose stdout is collected line by line.
func (s *side) startCtl(ctx context.Context, st *step, b *background) error {
	cmd, err := s.ctlCommand(ctx, st)
	if err != nil {
		return err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	cmd.Stderr = &b.stderr
	if err := cmd.Start(); err != nil {
		return err
	}
	b.ended = make(chan struct{})
	go func() {
		readLines(stdout, b.lines)
		close(b.lines)
		err := cmd.Wait()
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			b.exit = exit.ExitCode()
		} else if err != nil {
			b.runErr = err
		}
		close(b.ended)
	}()
	return nil
}

// collect waits for a background step: for want lines (then stops it), or for its end.
func (s *side) collect(st *step) (func() string, error) {
	b := s.bg[st.name]
	if b == nil {
		return nil, fmt.Errorf("collect %s: no such background step", st.name)
	}
	delete(s.bg, st.name)
	defer b.stop()
	deadline := time.After(st.within)
	var got []string
	timedOut := false
	for st.lines == 0 || len(got) < st.lines {
		select {
		case line, ok := <-b.lines:
			if !ok {
				goto done
			}
			got = append(got, line)
			continue
		case <-deadline:
			timedOut = true
		}
		break
	}
done:
	if timedOut {
		b.cancel()
	}
	var render func() string
	if b.request != nil {
		<-b.headers
		a := *b.answer
		a.lines = got
		if a.lines == nil {
			a.lines = []string{}
		}
		render = s.answered(b.alias, b.request, &a)
	} else {
		a := &ctlAnswer{stdout: strings.Join(got, ""), stopped: st.lines > 0 && !timedOut}
		if !a.stopped && !timedOut {
			<-b.ended
			a.exit, a.stderr, a.err = b.exit, b.stderr.String(), b.runErr
		}
		render = s.ctlAnswered(a)
	}
	if !timedOut {
		return render, nil
	}
	return func() string { return render() + fmt.Sprintf("no more within %v\n", st.within) }, nil
}

// stop ends the background step: the request is cancelled, the run killed.
func (b *background) stop() {
	b.cancel()
	if b.ended != nil {
		<-b.ended
	}
}
