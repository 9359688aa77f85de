package checker

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/raftlab/raftlab/checker/history"
)

func TestCheckCreated(t *testing.T) {
	set := history.Op{Kind: history.KindSet, Key: "/a", Value: "1", Index: 5, Created: 5}
	update := history.Op{Kind: history.KindUpdate, Key: "/a", Value: "2", Index: 6, Created: 5}
	read := history.Op{Kind: history.KindQGet, Key: "/a", Found: true, Result: "2", Index: 6, Created: 5}
	tests := []struct {
		name    string
		ops     []history.Op
		problem string
	}{
		{"update keeps the node", seq(set, update, read), ""},
		{"an update that resets createdIndex", seq(set, func() history.Op { u := update; u.Created = 6; return u }()),
			"createdIndex 6 is the index of no set or create of /a"},
		{"a set that keeps the old createdIndex", seq(set, func() history.Op {
			s := set
			s.Value, s.Index, s.Created = "3", 7, 5
			return s
		}()), "a set makes a new node, but its createdIndex is 5"},
		{"an unknown create may have made the node",
			seq(history.Op{Kind: history.KindCreate, Key: "/a", Value: "1", Outcome: history.OutcomeUnknown}, update), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := checkCreated(tt.ops)
			if tt.problem == "" {
				assert.Empty(t, got)
				return
			}
			assert.Contains(t, strings.Join(got, "\n"), tt.problem)
		})
	}
}
