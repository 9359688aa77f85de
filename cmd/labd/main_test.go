package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// labdResult is what one in-process labd invocation produced.
type labdResult struct {
	code           int
	stdout, stderr string
}

// runLabd runs labd in-process with args.
func runLabd(t *testing.T, args ...string) labdResult {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(args, &out, &errOut)
	return labdResult{code: code, stdout: out.String(), stderr: errOut.String()}
}

func TestUsageErrors(t *testing.T) {
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"no command", nil, "usage: labd COMMAND"},
		{"unknown command", []string{"frobnicate"}, `unknown command "frobnicate"`},
		{"unknown flag", []string{"run", "much-wow-cool", "--speed", "3"}, "flag provided but not defined: -speed"},
		{"bad seed", []string{"run", "much-wow-cool", "--seed", "many"}, `seed "many" is not a non-negative integer`},
		{"missing story", []string{"run"}, "want 1 argument, got 0"},
		{"two stories", []string{"run", "a", "b"}, "want 1 argument, got 2"},
		{"list takes no argument", []string{"list", "x"}, "want 0 arguments"},
		{"sweep without seeds", []string{"sweep", "register-partitions"}, "--seeds A..B is required"},
		{"sweep bad range", []string{"sweep", "register-partitions", "--seeds", "5..1"}, "greater than the last"},
		{"sweep negative workers", []string{"sweep", "register-partitions", "--seeds", "1..2", "--parallel", "-1"}, "positive number of workers"},
		{"serve bad address", []string{"serve", "--addr", "not-an-address"}, "labd serve:"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := runLabd(t, c.args...)
			assert.Equal(t, exitUsage, r.code)
			assert.Contains(t, r.stderr, c.want)
		})
	}
}

func TestHelpGoesToStdout(t *testing.T) {
	r := runLabd(t, "help")
	require.Equal(t, exitOK, r.code)
	for name := range commands() {
		assert.Contains(t, r.stdout, "labd "+name)
	}
}

// TestEveryCommandHasHelp: --help, -h and `labd help CMD` print the command's usage with its flags
// on stdout and exit 0, and run nothing.
func TestEveryCommandHasHelp(t *testing.T) {
	for name := range commands() {
		for _, args := range [][]string{{name, "--help"}, {name, "-h"}, {name, "-help"}, {"help", name},
			{name, "much-wow-cool", "--help"}} {
			t.Run(strings.Join(args, " "), func(t *testing.T) {
				r := runLabd(t, args...)
				assert.Equal(t, exitOK, r.code, r.stderr)
				assert.True(t, strings.HasPrefix(r.stdout, "usage: labd "+name), r.stdout)
				assert.NotContains(t, r.stdout, "help requested")
				assert.Empty(t, r.stderr)
			})
		}
	}
	r := runLabd(t, "run", "--", "--help")
	assert.Equal(t, exitUsage, r.code, "after -- a --help is an argument")
	r = runLabd(t, "help", "frobnicate")
	assert.Equal(t, exitUsage, r.code)
	assert.Contains(t, r.stderr, `unknown command "frobnicate"`)
}
