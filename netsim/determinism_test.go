package netsim

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
)

// chaosFakeRun is a fake-process run with every random feature switched on.
func chaosFakeRun(t *testing.T, seed uint64, trace *bytes.Buffer) *Sim {
	cfg := fakeConfig(seed, 5)
	cfg.Link = LinkConfig{Latency: Latency{Min: ms, Spread: 5 * ms, Dist: DistExponential},
		Loss: 0.05, Duplicate: 0.05, Reorder: 0.1, ReorderDelay: 20 * ms}
	cfg.Clients = ClientConfig{Count: 4, Workload: KeysWorkload(3), Random: true}
	if trace != nil {
		cfg.Trace = trace
	}
	s := newFakeSim(t, cfg)
	s.At(500*ms, func() { s.Net().Partition([]uint64{1, 2}, []uint64{3, 4, 5}) })
	s.At(700*ms, func() { require.NoError(t, s.Crash(3)) })
	s.At(900*ms, func() { require.NoError(t, s.Restart(3)) })
	s.At(1000*ms, func() { s.Net().Heal() })
	s.Run(2e9)
	require.Empty(t, s.Failures())
	return s
}

func TestSameSeedGivesIdenticalTraceHash(t *testing.T) {
	var a, b bytes.Buffer
	s1 := chaosFakeRun(t, 42, &a)
	s2 := chaosFakeRun(t, 42, &b)
	require.Equal(t, s1.TraceHash(), s2.TraceHash())
	require.Equal(t, a.String(), b.String())
	require.Equal(t, s1.History(), s2.History())
	require.Greater(t, s1.TraceLines(), uint64(1000))
}

func TestDifferentSeedGivesDifferentSchedule(t *testing.T) {
	s1 := chaosFakeRun(t, 1, nil)
	s2 := chaosFakeRun(t, 2, nil)
	require.NotEqual(t, s1.TraceHash(), s2.TraceHash())
	require.NotEqual(t, s1.History(), s2.History())
}

func TestTraceLinesHaveFixedColumns(t *testing.T) {
	var buf bytes.Buffer
	chaosFakeRun(t, 7, &buf)
	lines := bytes.Split(bytes.TrimSuffix(buf.Bytes(), []byte("\n")), []byte("\n"))
	require.NotEmpty(t, lines)
	for _, l := range lines[:200] {
		require.GreaterOrEqual(t, len(l), 31, "%q", l)
		require.Equal(t, byte('.'), l[6], "%q", l)
		require.Equal(t, byte(' '), l[16], "%q", l)
		require.Equal(t, byte(' '), l[25], "%q", l)
		require.Equal(t, byte(' '), l[30], "%q", l)
	}
}

func TestTraceHeaderMatchesItsDocumentedFormat(t *testing.T) {
	tests := []struct {
		at         int64
		kind, node string
	}{
		{0, "boot", "n1"},
		{1_503_129_871, "send", "n12"},
		{123456_000_000_007, "watchend", "-"},
		{999_999_999, "longerkind", "n1234"},
	}
	for _, tt := range tests {
		want := fmt.Sprintf("%6d.%09d %-8s %-4s ", tt.at/1e9, tt.at%1e9, tt.kind, tt.node)
		require.Equal(t, want, string(appendHeader(nil, tt.at, tt.kind, tt.node)))
	}
}

func TestCheckDeterminismPassesAReproducibleRun(t *testing.T) {
	var trace bytes.Buffer
	cfg := fakeConfig(3, 3)
	cfg.Clients = ClientConfig{Count: 2, Workload: KeysWorkload(2)}
	cfg.Trace = &trace
	require.NoError(t, CheckDeterminism(cfg, func(s *Sim) { s.Run(2e9) }))
	require.NotEmpty(t, trace.String(), "the first run's trace goes to cfg.Trace")
}

func TestCheckDeterminismNamesTheFirstDivergentLine(t *testing.T) {
	runs := 0
	leak := func(s *Sim) {
		runs++ // state outside the simulation: the second run differs
		s.At(500*ms, func() { s.Note(fmt.Sprintf("run %d", runs)) })
		s.Run(1e9)
	}
	err := CheckDeterminism(fakeConfig(3, 3), leak)
	require.ErrorIs(t, err, ErrNondeterministic)
	require.Contains(t, err.Error(), "first run:       0.500000000 note     -    run 1")
	require.Contains(t, err.Error(), "second run:      0.500000000 note     -    run 2")

	shorter := 0
	err = CheckDeterminism(fakeConfig(3, 3), func(s *Sim) {
		shorter++
		s.Run(int64(shorter) * 1e9) // the second run goes on longer
	})
	require.ErrorIs(t, err, ErrNondeterministic)
	require.Contains(t, err.Error(), "first run:  (end of trace)")
}
