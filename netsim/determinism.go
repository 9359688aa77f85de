package netsim

import (
	"bytes"
	"errors"
	"fmt"
	"io"
)

// ErrNondeterministic is wrapped by CheckDeterminism's report of a divergence.
var ErrNondeterministic = errors.New("netsim: nondeterministic run")

// CheckDeterminism runs cfg twice with run driving each simulation (madsim's check-determinism) and
// compares the traces line by line. It returns nil when both runs produced the same trace, or an
// error wrapping ErrNondeterministic that names the first differing line and shows it from both
// runs. The first run's trace is kept in memory (about 80 bytes a line); cfg.Trace, if set,
// receives it too.
func CheckDeterminism(cfg Config, run func(*Sim)) error {
	first := &lineKeeper{}
	if _, err := runTraced(cfg, run, io.MultiWriter(first, orDiscard(cfg.Trace))); err != nil {
		return err
	}
	second := &lineComparer{want: first}
	if _, err := runTraced(cfg, run, second); err != nil {
		return err
	}
	at := second.diverged
	if at < 0 {
		if second.n == len(first.ends) {
			return nil
		}
		at = second.n // the second run stopped early
	}
	return fmt.Errorf("%w: trace line %d differs:\n  first run:  %s\n  second run: %s",
		ErrNondeterministic, at+1, orEnd(first.line(at)), orEnd(second.line))
}

func runTraced(cfg Config, run func(*Sim), w io.Writer) (*Sim, error) {
	cfg.Trace = w
	s, err := New(cfg)
	if err != nil {
		return nil, err
	}
	run(s)
	return s, s.TraceErr()
}

func orDiscard(w io.Writer) io.Writer {
	if w == nil {
		return io.Discard
	}
	return w
}

func orEnd(line []byte) string {
	if line == nil {
		return "(end of trace)"
	}
	return string(bytes.TrimSuffix(line, []byte("\n")))
}

// The tracer writes exactly one line per Write call; these writers rely on it.

// lineKeeper keeps every line.
type lineKeeper struct {
	data []byte
	ends []int
}

func (l *lineKeeper) Write(p []byte) (int, error) {
	l.data = append(l.data, p...)
	l.ends = append(l.ends, len(l.data))
	return len(p), nil
}

// line returns line i, or nil past the end.
func (l *lineKeeper) line(i int) []byte {
	if i >= len(l.ends) {
		return nil
	}
	start := 0
	if i > 0 {
		start = l.ends[i-1]
	}
	return l.data[start:l.ends[i]]
}

// lineComparer finds the first line that differs from want.
type lineComparer struct {
	want     *lineKeeper
	n        int
	diverged int
	line     []byte
	started  bool
}

func (l *lineComparer) Write(p []byte) (int, error) {
	if !l.started {
		l.started, l.diverged = true, -1
	}
	if l.diverged < 0 && !bytes.Equal(l.want.line(l.n), p) {
		l.diverged = l.n
		l.line = bytes.Clone(p)
	}
	l.n++
	return len(p), nil
}
