package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// readmeAuthSteps are the kvctl command lines of the README's auth walk-through, in order.
func readmeAuthSteps(t *testing.T) []string {
	t.Helper()
	data, err := os.ReadFile("../../README.md")
	require.NoError(t, err)
	m := regexp.MustCompile("(?s)The v2 auth API, step by step.*?```sh\n(.*?)```").FindStringSubmatch(string(data))
	require.NotNil(t, m, "README has the auth walk-through")
	var steps []string
	for _, line := range strings.Split(m[1], "\n") {
		if i := strings.Index(line, "#"); i >= 0 {
			line = line[:i]
		}
		if line = strings.TrimSpace(line); line != "" {
			steps = append(steps, line)
		}
	}
	return steps
}

// shellWords splits a command line as a shell would for the README's lines: words, and 'quoted'
// words kept whole.
func shellWords(line string) []string {
	var words []string
	for _, m := range regexp.MustCompile(`'([^']*)'|(\S+)`).FindAllStringSubmatch(line, -1) {
		if m[2] != "" {
			words = append(words, m[2])
		} else {
			words = append(words, m[1])
		}
	}
	return words
}

// TestReadmeAuthWalkThrough runs the README's auth walk-through, line by line, with the real
// kvctl against a real kvd: every step works in the order shown (users before their grants, root
// before auth is enabled), alice writes under /app and is refused elsewhere.
func TestReadmeAuthWalkThrough(t *testing.T) {
	steps := readmeAuthSteps(t)
	require.GreaterOrEqual(t, len(steps), 7)
	bin := buildKvctl(t)
	c := startCluster(t, 1)
	for i, line := range steps {
		words := shellWords(line)
		require.Equal(t, "kvctl", words[0], line)
		args := append([]string{"--endpoints", c.members[0].ClientURL}, words[1:]...)
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		cmd := exec.CommandContext(ctx, bin, args...)
		cmd.Stdin = strings.NewReader("rootpw\n") // what a prompt for a password reads
		var out, errOut bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errOut
		err := cmd.Run()
		cancel()
		if i == len(steps)-1 {
			require.Error(t, err, "the last step is refused: %s", line)
			assert.Contains(t, errOut.String(), "110", "etcd's error 110 (insufficient credentials)")
			continue
		}
		require.NoError(t, err, "step %d `%s`:\n%s%s", i+1, line, out.String(), errOut.String())
	}
}
