package netsim

import (
	"bytes"
	"fmt"
	"regexp"
	"testing"

	"github.com/raftlab/raftlab/core/raft"

	"github.com/stretchr/testify/require"
)

// The hash folds events, not text: a run gives the same hash and line count whether or not a writer
// receives the text, and every event is one line of that text.
func TestTraceHashIsTheSameWithAndWithoutAWriter(t *testing.T) {
	var buf bytes.Buffer
	withText := chaosFakeRun(t, 11, &buf)
	without := chaosFakeRun(t, 11, nil)
	require.Equal(t, withText.TraceHash(), without.TraceHash())
	require.Equal(t, withText.TraceLines(), without.TraceLines())
	require.Equal(t, uint64(bytes.Count(buf.Bytes(), []byte("\n"))), withText.TraceLines())
	require.NotEqual(t, without.TraceHash(), chaosFakeRun(t, 12, nil).TraceHash(), "another seed, another hash")
}

// Every field a message line shows reaches the hash: changing any one of them changes it.
func TestMessageHashSeesEveryShownField(t *testing.T) {
	base := raft.Message{Type: raft.MsgApp, From: 1, To: 2, Term: 3, LogTerm: 2, Index: 7, Commit: 6,
		Entries: make([]raft.Entry, 2), RejectHint: 4, Snapshot: &raft.Snapshot{}}
	changes := map[string]func(m *raft.Message){
		"type":           func(m *raft.Message) { m.Type = raft.MsgHeartbeat },
		"from":           func(m *raft.Message) { m.From = 3 },
		"to":             func(m *raft.Message) { m.To = 3 },
		"term":           func(m *raft.Message) { m.Term = 4 },
		"log term":       func(m *raft.Message) { m.LogTerm = 3 },
		"index":          func(m *raft.Message) { m.Index = 8 },
		"commit":         func(m *raft.Message) { m.Commit = 7 },
		"entries":        func(m *raft.Message) { m.Entries = m.Entries[:1] },
		"reject":         func(m *raft.Message) { m.Reject = true },
		"hint":           func(m *raft.Message) { m.RejectHint = 5 },
		"snap":           func(m *raft.Message) { m.Snapshot = &raft.Snapshot{Metadata: raft.SnapshotMetadata{Index: 9}} },
		"from<>to":       func(m *raft.Message) { m.From, m.To = m.To, m.From },
		"index<>commit":  func(m *raft.Message) { m.Index, m.Commit = m.Commit, m.Index },
		"term<>log term": func(m *raft.Message) { m.Term, m.LogTerm = m.LogTerm, m.Term },
	}
	want := mixMessage(hashStart, &base)
	for name, change := range changes {
		m := base
		change(&m)
		require.NotEqual(t, want, mixMessage(hashStart, &m), name)
	}
}

// Cold lines fold their detail text: one byte more or less changes the hash, and so does the place
// where a string ends (strings are folded with their length).
func TestColdLinesFoldTheirDetail(t *testing.T) {
	hashOf := func(details ...string) uint64 {
		tr := newTracer(nil)
		for _, d := range details {
			tr.line(5, "note", "-", d)
		}
		return tr.hash
	}
	require.Equal(t, hashOf("partition {n1,n2}"), hashOf("partition {n1,n2}"))
	require.NotEqual(t, hashOf("partition {n1,n2}"), hashOf("partition {n1,n3}"))
	require.NotEqual(t, hashOf("partition {n1,n2}"), hashOf("partition {n1,n2} "))
	require.NotEqual(t, hashOf("ab", "c"), hashOf("a", "bc"))
	require.NotEqual(t, mixString(hashStart, "abc"), mixString(hashStart, "abc\x00"))
	require.Equal(t, mixString(hashStart, "a longer string of many words"), mixBytes(hashStart, []byte("a longer string of many words")))
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
