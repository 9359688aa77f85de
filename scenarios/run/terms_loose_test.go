package run

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/raftlab/raftlab/scenarios/story"
)

// TestLooseTermsBindStoryNumbersInOrder: on a driver whose terms a story cannot predict, a story's
// term number binds to the first term seen for it, must be seen again, and keeps the numbers' order.
func TestLooseTermsBindStoryNumbersInOrder(t *testing.T) {
	type check struct {
		story, got uint64
		ok         bool
	}
	tests := []struct {
		name   string
		checks []check
	}{
		{"the same numbers", []check{{1, 1, true}, {2, 2, true}, {2, 2, true}}},
		{"a split vote spends a term", []check{{1, 1, true}, {2, 3, true}, {2, 3, true}}},
		{"a bound term must be seen again", []check{{1, 1, true}, {2, 3, true}, {2, 2, false}, {2, 4, false}}},
		{"a later story term needs a later real term", []check{{1, 1, true}, {2, 3, true}, {3, 3, false}, {3, 5, true}}},
		{"an earlier story term needs an earlier real term", []check{{2, 4, true}, {1, 4, false}, {1, 2, true}}},
		{"a cluster that starts at a later term", []check{{0, 3, true}, {1, 4, true}, {0, 3, true}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var l TermLabels
			for i, c := range tt.checks {
				ok, want := l.Match(story.TermRef{Number: c.story}, c.got, true)
				assert.Equal(t, c.ok, ok, "check %d: story term %d as term %d (%s)", i, c.story, c.got, want)
			}
		})
	}
}

func TestStrictTermsCompareNumbers(t *testing.T) {
	var l TermLabels
	ok, want := l.Match(story.TermRef{Number: 2}, 3, false)
	assert.False(t, ok)
	assert.Equal(t, "term 2", want)
	ok, _ = l.Match(story.TermRef{Number: 3}, 3, false)
	assert.True(t, ok)
}
