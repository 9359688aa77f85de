package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestTermMapBindsStoryTermsInOrder(t *testing.T) {
	type check struct {
		story, real uint64
		ok          bool
		note        bool
	}
	tests := []struct {
		name   string
		checks []check
	}{
		{"the same numbers", []check{{1, 1, true, false}, {2, 2, true, false}, {2, 2, true, false}}},
		{"a split vote spends a term", []check{{1, 1, true, false}, {2, 3, true, true}, {2, 3, true, false}}},
		{"a bound term must be seen again", []check{{1, 1, true, false}, {2, 3, true, true}, {2, 2, false, false}, {2, 4, false, false}}},
		{"a later story term needs a later real term", []check{{1, 1, true, false}, {2, 3, true, true}, {3, 3, false, false}, {3, 5, true, true}}},
		{"an earlier story term needs an earlier real term", []check{{2, 4, true, true}, {1, 4, false, false}, {1, 2, true, true}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var m termMap
			for i, c := range tt.checks {
				ok, note := m.match(c.story, c.real)
				assert.Equal(t, c.ok, ok, "check %d: story term %d as real term %d", i, c.story, c.real)
				assert.Equal(t, c.note, note != "", "check %d: note %q", i, note)
			}
		})
	}
}
