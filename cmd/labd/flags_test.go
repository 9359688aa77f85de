package main

import (
	"io"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseArgsAcceptsFlagsAnywhere(t *testing.T) {
	cases := []struct {
		name    string
		args    []string
		pos     []string
		seed    string
		verbose bool
	}{
		{"flags after", []string{"story", "--seed", "7"}, []string{"story"}, "7", false},
		{"flags before", []string{"-seed=7", "-v", "story"}, []string{"story"}, "7", true},
		{"flags around", []string{"-v", "story", "--seed", "7"}, []string{"story"}, "7", true},
		{"double dash", []string{"--", "-odd-name"}, []string{"-odd-name"}, "", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fs := newFlagSet("t", "t", io.Discard)
			var seed seedFlag
			fs.Var(&seed, "seed", "")
			v := fs.Bool("v", false, "")
			pos, err := parseArgs(fs, c.args, 1, 1)
			require.NoError(t, err)
			assert.Equal(t, c.pos, pos)
			assert.Equal(t, c.seed, seed.String())
			assert.Equal(t, c.verbose, *v)
		})
	}
}

func TestSeedFlagRemembersWhetherSet(t *testing.T) {
	var s seedFlag
	assert.Nil(t, s.ptr())
	require.NoError(t, s.Set("42"))
	require.NotNil(t, s.ptr())
	assert.Equal(t, uint64(42), *s.ptr())
	assert.Error(t, s.Set("-1"))
}

func TestParseSeedRange(t *testing.T) {
	cases := []struct {
		text    string
		want    seedRange
		wantErr string
	}{
		{"1..10", seedRange{1, 10}, ""},
		{" 3 .. 3 ", seedRange{3, 3}, ""},
		{"5", seedRange{5, 5}, ""},
		{"0..0", seedRange{0, 0}, ""},
		{"10..1", seedRange{}, "greater than the last"},
		{"a..b", seedRange{}, "want A..B"},
		{"1..", seedRange{}, "want A..B"},
		{"-1..3", seedRange{}, "want A..B"},
		{"1..100000000", seedRange{}, "at most"},
	}
	for _, c := range cases {
		t.Run(c.text, func(t *testing.T) {
			got, err := parseSeedRange(c.text)
			if c.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), c.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, c.want, got)
			assert.Equal(t, int(c.want.To-c.want.From)+1, got.Len())
		})
	}
}

func TestShellQuote(t *testing.T) {
	assert.Equal(t, "labd-runs/much-wow-cool-seed1", shellQuote("labd-runs/much-wow-cool-seed1"))
	assert.Equal(t, "'my runs/x'", shellQuote("my runs/x"))
	assert.Equal(t, `'it'\''s'`, shellQuote("it's"))
	assert.Equal(t, "''", shellQuote(""))
}

func TestPortsFlag(t *testing.T) {
	var p portsFlag
	require.NoError(t, p.Set("40000-40099"))
	assert.Equal(t, portsFlag{low: 40000, high: 40099}, p)
	assert.Equal(t, "40000-40099", p.String())
	for _, c := range []struct{ text, want string }{
		{"40000", "want LOW-HIGH"},
		{"a-b", "want LOW-HIGH"},
		{"80-9000", "from 1024 to 65535"},
		{"40000-70000", "from 1024 to 65535"},
		{"40010-40000", "at least 9 ports"},
		{"40000-40007", "at least 9 ports"},
	} {
		assert.ErrorContains(t, p.Set(c.text), c.want, c.text)
	}
	r := runLabd(t, "real", "much-wow-cool", "--ports", "5-3")
	assert.Equal(t, exitUsage, r.code)
	assert.Contains(t, r.stderr, `ports "5-3"`)
}
