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

// TestUnknownRefreshExplainsAReadIndex: a refresh whose outcome is unknown may have given the key the
// index a later read reports, with the value it already had (ttl-mixed seed 1274 of 2,000).
func TestUnknownRefreshExplainsAReadIndex(t *testing.T) {
	set := history.Op{Kind: history.KindSet, Key: "/t", Value: "v", TTL: 5e9, Index: 4, Outcome: history.OutcomeOK}
	refresh := history.Op{Kind: history.KindUpdate, Key: "/t", Refresh: true, TTL: 5e9, Outcome: history.OutcomeUnknown}
	read := history.Op{Kind: history.KindQGet, Key: "/t", Found: true, Result: "v", Index: 9, Outcome: history.OutcomeOK}
	ops := seq(set, refresh, read)
	ops[1].Outcome, ops[1].Return = history.OutcomeUnknown, 100
	assert.Empty(t, readSources(ops, map[uint64]*history.Op{4: &ops[0]}).items)
	ops[1].Refresh, ops[1].Value = false, "w"
	assert.NotEmpty(t, readSources(ops, map[uint64]*history.Op{4: &ops[0]}).items, "an unknown update to another value does not")
}
