package checker

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/raftlab/raftlab/checker/history"
)

func TestCheckEvents(t *testing.T) {
	set := history.Op{Kind: history.KindSet, Key: "/a", Value: "1", Outcome: history.OutcomeOK, Index: 5}
	cas := history.Op{Kind: history.KindCAS, Key: "/a", Value: "2", PrevValue: "1", Outcome: history.OutcomeOK, Index: 6}
	refresh := history.Op{Kind: history.KindUpdate, Key: "/a", Outcome: history.OutcomeOK, Index: 7, Refresh: true, TTL: 5e9}
	unknownDel := history.Op{Kind: history.KindDelete, Key: "/b", Outcome: history.OutcomeUnknown}
	ev := func(action, key string, index uint64) history.WatchEvent {
		return history.WatchEvent{Action: action, Key: key, Index: index}
	}
	tests := []struct {
		name      string
		ops       []history.Op
		committed []history.WatchEvent
		problem   string
	}{
		{"every write has its event", []history.Op{set, cas, refresh, unknownDel},
			[]history.WatchEvent{ev("set", "/a", 5), ev("compareAndSwap", "/a", 6), ev("delete", "/b", 8), ev("expire", "/c", 9)}, ""},
		{"a lost event", []history.Op{set, cas}, []history.WatchEvent{ev("set", "/a", 5)}, "no event was committed at its index"},
		{"a wrong action", []history.Op{set, cas}, []history.WatchEvent{ev("set", "/a", 5), ev("set", "/a", 6)},
			"the event committed at its index is set /a@6, not compareAndSwap /a"},
		{"a refresh delivered", []history.Op{set, refresh}, []history.WatchEvent{ev("set", "/a", 5), ev("update", "/a", 7)},
			"a refresh is never delivered"},
		{"an event nobody asked for", []history.Op{set}, []history.WatchEvent{ev("set", "/a", 5), ev("create", "/b", 6)},
			"create /b@6 was committed, but no write of that key and kind was made"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := CheckEvents(tt.ops, tt.committed)
			if tt.problem == "" {
				assert.Empty(t, got)
				return
			}
			assert.Contains(t, strings.Join(got, "\n"), tt.problem)
		})
	}
}

// TestCheckEventsUnknownPOST: a POST that never answered may have made any key under its directory.
func TestCheckEventsUnknownPOST(t *testing.T) {
	post := history.Op{Kind: history.KindCreate, Key: "/q", Value: "v", InOrder: true, Outcome: history.OutcomeUnknown}
	committed := []history.WatchEvent{{Action: "create", Key: "/q/00000000000000000004", Index: 4}}
	assert.Empty(t, CheckEvents([]history.Op{post}, committed))
	committed[0].Key = "/r/00000000000000000004"
	assert.NotEmpty(t, CheckEvents([]history.Op{post}, committed))
	v := Check(seq(post), Options{})
	assert.True(t, v.Linearizable, "an open POST is left to the event check: %q", v.Problems)
}
