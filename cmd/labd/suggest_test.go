package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestEditDistance(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want int
	}{{"", "", 0}, {"abc", "", 3}, {"kitten", "sitting", 3}, {"much-wow-cool", "much-wow-col", 1}, {"lock", "lokc", 2}} {
		assert.Equal(t, c.want, editDistance(c.a, c.b), "%q %q", c.a, c.b)
		assert.Equal(t, c.want, editDistance(c.b, c.a), "%q %q", c.b, c.a)
	}
}

func TestDidYouMean(t *testing.T) {
	names := []string{"much-wow-cool", "much-wow-cool-check-quorum", "lock", "lock-fencing", "watch", "leader-election"}
	assert.Equal(t, ` (did you mean "much-wow-cool"?)`, didYouMean("much-wow-col", names))
	assert.Equal(t, ` (did you mean "much-wow-cool" or "much-wow-cool-check-quorum"?)`, didYouMean("much-wow", names))
	assert.Equal(t, ` (did you mean "lock"?)`, didYouMean("Lokc", names))
	assert.Equal(t, ` (did you mean "leader-election"?)`, didYouMean("election", names))
	assert.Empty(t, didYouMean("frobnicate", names))
	assert.Empty(t, didYouMean("", names))
}

func TestWrongNamesGetASuggestion(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"run", "much-wow-col"}, `unknown story "much-wow-col" (did you mean "much-wow-cool"?)`},
		{[]string{"sweep", "register-partition", "--seeds", "1..2"}, `(did you mean "register-partitions"?)`},
		{[]string{"sweep", "much-wow-col", "--seeds", "1..2"}, `(did you mean "much-wow-cool"?)`},
		{[]string{"replay", "chaos-standrd", "--seed", "1"}, `(did you mean "chaos-standard"?)`},
		{[]string{"run", "much-wow-cool", "--bug", "commit-previous"}, `(did you mean "commit-previous-term"?)`},
		{[]string{"swep"}, `unknown command "swep" (did you mean "sweep"?)`},
	} {
		r := runLabd(t, c.args...)
		assert.Equal(t, exitUsage, r.code, "%v", c.args)
		assert.Contains(t, r.stderr, c.want, "%v", c.args)
	}
}
