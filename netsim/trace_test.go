package netsim

import (
	"bytes"
	"fmt"
	"regexp"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestTraceHashFoldsTheLines(t *testing.T) {
	var buf bytes.Buffer
	s := chaosFakeRun(t, 11, &buf)
	// The reference: every line (with its newline) folded FNV-1a style, whole little-endian words
	// first, then the bytes left over.
	want := uint64(14695981039346656037)
	for _, line := range bytes.SplitAfter(buf.Bytes(), []byte("\n")) {
		for ; len(line) >= 8; line = line[8:] {
			var word uint64
			for i := 7; i >= 0; i-- {
				word = word<<8 | uint64(line[i])
			}
			want = (want ^ word) * 1099511628211
		}
		for _, c := range line {
			want = (want ^ uint64(c)) * 1099511628211
		}
	}
	require.Equal(t, want, s.TraceHash())
	require.Equal(t, uint64(bytes.Count(buf.Bytes(), []byte("\n"))), s.TraceLines())
}

// The hot trace lines are formatted without fmt; they must read exactly as the fmt formats they
// replace, whether the input runs at once or is held while the node is paused and replayed.
func TestHotTraceLinesKeepTheirFormat(t *testing.T) {
	var buf bytes.Buffer
	cfg := fakeConfig(5, 3)
	cfg.Clients = ClientConfig{Count: 2, Workload: KeysWorkload(3)}
	cfg.Trace = &buf
	s := newFakeSim(t, cfg)
	s.At(300*ms, func() { require.NoError(t, s.Pause(2)) })
	s.At(600*ms, func() { require.NoError(t, s.Resume(2)) })
	s.Run(1e9)
	formats := map[string]*regexp.Regexp{
		"persist": regexp.MustCompile(`^seq=\d+ hs=\d+/\d+/\d+ entries=\d+ snap=\d+ sync=(true|false) err=<nil>$`),
		"synced":  regexp.MustCompile(`^seq=\d+$`),
		"tick":    regexp.MustCompile(`^clock=\d+$`),
		"recv":    regexp.MustCompile(`^n\d->n\d Msg\w+ t\d+`),
		"send":    regexp.MustCompile(`^n\d->n\d Msg\w+ t\d+.* at=\d+$`),
	}
	seen := map[string]int{}
	for _, l := range bytes.Split(bytes.TrimSuffix(buf.Bytes(), []byte("\n")), []byte("\n")) {
		kind := string(bytes.TrimSpace(l[17:25]))
		if re, ok := formats[kind]; ok {
			require.Regexp(t, re, string(l[31:]), "%q", l)
			seen[kind]++
		}
	}
	for kind := range formats {
		require.NotZero(t, seen[kind], kind)
	}
	require.Contains(t, buf.String(), "hold     n2   recv n", "a paused node held messages")
}

// The tracer formats a time column once per instant and reuses it: every line must still read
// exactly as a freshly formatted header, across repeated, later and earlier instants.
func TestTraceReusesTheTimeColumnOnlyForTheSameInstant(t *testing.T) {
	var buf bytes.Buffer
	tr := newTracer(&buf)
	type line struct {
		at         int64
		kind, node string
	}
	lines := []line{{0, "tick", "n1"}, {0, "send", "n2"}, {1e9 + 7, "recv", "n3"}, {1e9 + 7, "note", "-"},
		{123456789012, "persist", "n10"}, {5, "synced", "n1"}, {5, "synced", "n1"}, {0, "tick", "n1"}}
	var want []byte
	for i, l := range lines {
		tr.end(append(tr.begin(l.at, l.kind, l.node), fmt.Sprint("detail", i)...))
		want = append(append(appendHeader(want, l.at, l.kind, l.node), fmt.Sprint("detail", i)...), '\n')
	}
	require.Equal(t, string(want), buf.String())
	require.Contains(t, buf.String(), "   123.456789012 persist  n10  detail4\n")
	require.Equal(t, int64(0), tr.stampAt, "the last instant's column is kept")
	require.Equal(t, string(appendTime(nil, 0)), string(tr.stamp))
}
