package nemesis

import (
	"fmt"
	"strings"
	"testing"

	"github.com/raftlab/raftlab/netsim"
	"github.com/stretchr/testify/require"
)

const second = int64(1e9)

func TestGenerateIsAFunctionOfTheSeed(t *testing.T) {
	a := Generate(7, DefaultMix(), 60*second)
	b := Generate(7, DefaultMix(), 60*second)
	c := Generate(8, DefaultMix(), 60*second)
	require.Equal(t, Format(a), Format(b))
	require.NotEqual(t, Format(a), Format(c))
	require.Greater(t, len(a), 10)
}

func TestGeneratedSchedulesAreSortedParseableAndEndHealed(t *testing.T) {
	const d = 60 * second
	mix := DefaultMix()
	for seed := range uint64(30) {
		s := Generate(seed, mix, d)
		quietStart := d - d/4
		for i, sf := range s {
			if i > 0 {
				require.GreaterOrEqual(t, sf.At, s[i-1].At)
			}
			require.LessOrEqual(t, sf.At, quietStart, "no fault in the quiet period: %s", sf)
			back, err := Parse(sf.Fault.String())
			require.NoError(t, err, "seed %d: %s", seed, sf)
			require.Equal(t, sf.Fault, back)
		}
		tail := s[len(s)-len(finalRepair()):]
		for i, f := range finalRepair() {
			require.Equal(t, f, tail[i].Fault)
			require.Equal(t, quietStart, tail[i].At)
		}
		parsed, err := ParseSchedule(Format(s))
		require.NoError(t, err)
		require.Equal(t, Format(s), Format(parsed))
	}
}

func TestGeneratePairsEveryFaultWithItsRepair(t *testing.T) {
	for seed := range uint64(30) {
		s := Generate(seed, DefaultMix(), 120*second)
		var crashed, paused []string
		for _, sf := range s {
			switch f := sf.Fault.(type) {
			case Crash:
				if f.Node != RefLeader {
					crashed = append(crashed, string(f.Node))
				}
			case Restart:
				crashed = remove(crashed, string(f.Node))
			case Pause:
				paused = append(paused, string(f.Node))
			case Resume:
				paused = remove(paused, string(f.Node))
			}
		}
		require.Empty(t, crashed, "seed %d: crashes without restart", seed)
		require.Empty(t, paused, "seed %d: pauses without resume", seed)
	}
}

func remove(list []string, name string) []string {
	if name == string(RefAll) {
		return nil
	}
	for i, v := range list {
		if v == name {
			return append(list[:i], list[i+1:]...)
		}
	}
	return list
}

func TestGenerateAddsAndRemovesFreshMembers(t *testing.T) {
	s := Generate(4, Mix{Nodes: 3, Members: 1}, 120*second)
	var added, removed []string
	for _, sf := range s {
		switch f := sf.Fault.(type) {
		case MemberAdd:
			added = append(added, f.Name)
		case MemberRemove:
			removed = append(removed, string(f.Node))
		}
	}
	require.NotEmpty(t, added)
	require.Equal(t, added, removed, "every added member is removed again, in order")
	for i, name := range added {
		require.Equal(t, fmt.Sprintf("n%d", 4+i), name, "fresh names after the initial nodes")
	}
}

func TestGenerateHonoursTheMix(t *testing.T) {
	only := Mix{Nodes: 3, Crashes: 1}
	for _, sf := range Generate(3, only, 60*second) {
		switch sf.Fault.(type) {
		case Crash, Restart, Heal, NetReset, DiskFault, Resume:
		default:
			t.Fatalf("fault outside the crash family: %s", sf)
		}
	}
	none := Generate(3, Mix{Nodes: 3}, 60*second)
	require.Len(t, none, len(finalRepair()), "a mix with no weights only repairs")

	// Different seeds draw different intensities (swarm testing).
	counts := map[int]bool{}
	for seed := range uint64(10) {
		counts[len(Generate(seed, DefaultMix(), 60*second))] = true
	}
	require.Greater(t, len(counts), 3)
}

func TestScheduleAppliesFaultsAndReportsFailures(t *testing.T) {
	s := newPingSim(t, 1, 5)
	var failed []string
	Schedule(s, []Scheduled{
		{At: 100e6, Fault: Partition{Groups: [][]string{{"n1", "n2"}, {"n3", "n4", "n5"}}}},
		{At: 200e6, Fault: Crash{Node: "n3"}},
		{At: 250e6, Fault: Crash{Node: "n3"}}, // already down: reported, run goes on
		{At: 300e6, Fault: Heal{}},
		{At: 400e6, Fault: Restart{Node: RefAll}},
	}, func(sf Scheduled, err error) { failed = append(failed, sf.String()+": "+err.Error()) })
	s.Run(150e6)
	require.NotEmpty(t, s.Net().CutLinks())
	s.Run(500e6)
	require.Empty(t, s.Net().CutLinks())
	info, err := s.Info(3)
	require.NoError(t, err)
	require.True(t, info.Alive)
	require.Equal(t, 1, info.Restarts)
	require.Len(t, failed, 1)
	require.True(t, strings.HasPrefix(failed[0], "at 250ms: crash n3"), failed[0])
	notes := s.Notes()
	require.Len(t, notes, 6, "five faults noted, plus the failure of one")
	require.Equal(t, netsim.Note{At: 100e6, Text: "nemesis partition {n1,n2} {n3,n4,n5}"}, notes[0])
	require.Equal(t, int64(250e6), notes[3].At)
	require.True(t, strings.HasPrefix(notes[3].Text, "nemesis failed: "), notes[3].Text)
}

func TestGeneratedScheduleRunsAndEndsHealthy(t *testing.T) {
	const d = 30 * second
	s := newPingSim(t, 11, 5)
	Schedule(s, Generate(11, DefaultMix(), d), nil)
	s.Run(d)
	require.Empty(t, s.Failures())
	require.Empty(t, s.Net().CutLinks())
	for _, id := range s.Nodes() {
		info, err := s.Info(id)
		require.NoError(t, err)
		require.True(t, info.Alive, "%s", info.Name)
		require.False(t, info.Paused, "%s", info.Name)
	}
	require.Equal(t, s.Config().Link, s.Net().Defaults())
}

func TestParseScheduleRejectsBadLines(t *testing.T) {
	for _, text := range []string{"crash n1", "at soon: crash n1", "at 1s: explode", "at -1s: heal"} {
		_, err := ParseSchedule(text)
		require.Error(t, err, text)
	}
	s, err := ParseSchedule("# comment\n\nat 1.5s: crash n3\nat 2s: restart n3\n")
	require.NoError(t, err)
	require.Equal(t, []Scheduled{{At: 1500e6, Fault: Crash{Node: "n3"}}, {At: 2e9, Fault: Restart{Node: "n3"}}}, s)
}
