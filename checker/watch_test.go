package checker

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/raftlab/raftlab/checker/history"
)

func ev(action, key string, index uint64) history.WatchEvent {
	return history.WatchEvent{Action: action, Key: key, Index: index}
}

func TestCheckWatches(t *testing.T) {
	committed := []history.WatchEvent{
		ev("set", "/a", 4),
		ev("set", "/d/x", 5),
		ev("set", "/b", 6),
		ev("set", "/d/_hidden", 7),
		ev("compareAndSwap", "/a", 8),
		ev("set", "/d/y/z", 9),
		{Action: "delete", Key: "/d", Index: 10, Dir: true},
		ev("delete", "/a", 11),
	}
	tests := []struct {
		name string
		rec  history.WatchRecord
		want string // fragment of the only problem, or "" for none
	}{
		{"key watcher sees its events", history.WatchRecord{Client: 1, Prefix: "/a", FromIndex: 1,
			Events: []history.WatchEvent{ev("set", "/a", 4), ev("compareAndSwap", "/a", 8), ev("delete", "/a", 11)}}, ""},
		{"from index skips older events", history.WatchRecord{Client: 1, Prefix: "/a", FromIndex: 5,
			Events: []history.WatchEvent{ev("compareAndSwap", "/a", 8), ev("delete", "/a", 11)}}, ""},
		{"recursive watcher, hidden key skipped", history.WatchRecord{Client: 2, Prefix: "/d", Recursive: true, FromIndex: 1,
			Events: []history.WatchEvent{ev("set", "/d/x", 5), ev("set", "/d/y/z", 9), {Action: "delete", Key: "/d", Index: 10, Dir: true}}}, ""},
		{"recursive watcher, hidden key seen", history.WatchRecord{Client: 2, Prefix: "/d", Recursive: true, FromIndex: 1,
			Events: []history.WatchEvent{ev("set", "/d/x", 5), ev("set", "/d/_hidden", 7), ev("set", "/d/y/z", 9), {Action: "delete", Key: "/d", Index: 10, Dir: true}}}, ""},
		{"recursive watcher, hidden key replayed from the history", history.WatchRecord{Client: 2, Prefix: "/d", Recursive: true, FromIndex: 1,
			Events: []history.WatchEvent{ev("set", "/d/x", 5), ev("set", "/d/_hidden", 7), {Action: "set", Key: "/d/y/z", Index: 9, Live: true}, {Action: "delete", Key: "/d", Index: 10, Dir: true, Live: true}}}, ""},
		{"recursive watcher, hidden key sent live", history.WatchRecord{Client: 2, Prefix: "/d", Recursive: true, FromIndex: 1, Until: 9,
			Events: []history.WatchEvent{ev("set", "/d/x", 5), {Action: "set", Key: "/d/_hidden", Index: 7, Live: true}, ev("set", "/d/y/z", 9)}},
			"got set /d/_hidden@7 as it happened: a key hidden below the watched one is never sent live"},
		{"child watcher told of the parent directory's deletion", history.WatchRecord{Client: 3, Prefix: "/d/x", FromIndex: 1,
			Events: []history.WatchEvent{ev("set", "/d/x", 5), {Action: "delete", Key: "/d", Index: 10, Dir: true}}}, ""},
		{"until bounds what is owed", history.WatchRecord{Client: 1, Prefix: "/a", FromIndex: 1, Until: 9,
			Events: []history.WatchEvent{ev("set", "/a", 4), ev("compareAndSwap", "/a", 8)}}, ""},
		{"cleared watcher owed nothing after", history.WatchRecord{Client: 1, Prefix: "/a", FromIndex: 1, Cleared: true,
			Events: []history.WatchEvent{ev("set", "/a", 4)}}, ""},
		{"watcher that never opened a stream is owed nothing", history.WatchRecord{Client: 1, Prefix: "/a", FromIndex: 1, NeverOpened: true}, ""},
		{"watcher that never opened a stream holds an event", history.WatchRecord{Client: 1, Prefix: "/a", FromIndex: 1, NeverOpened: true,
			Events: []history.WatchEvent{ev("set", "/a", 4)}}, "never had a stream open but holds set /a@4"},
		{"missed event", history.WatchRecord{Client: 1, Prefix: "/a", FromIndex: 1,
			Events: []history.WatchEvent{ev("set", "/a", 4), ev("delete", "/a", 11)}},
			"watcher of client 1 on /a from index 1 missed 1 event(s), first compareAndSwap /a@8"},
		{"missed tail", history.WatchRecord{Client: 1, Prefix: "/a", FromIndex: 1,
			Events: []history.WatchEvent{ev("set", "/a", 4)}}, "missed 2 event(s), first compareAndSwap /a@8"},
		{"cleared watcher still may not skip before its last event", history.WatchRecord{Client: 1, Prefix: "/a", FromIndex: 1, Cleared: true,
			Events: []history.WatchEvent{ev("compareAndSwap", "/a", 8)}}, "missed 1 event(s), first set /a@4"},
		{"invented event", history.WatchRecord{Client: 1, Prefix: "/a", FromIndex: 1, Until: 4,
			Events: []history.WatchEvent{ev("set", "/a", 4), ev("set", "/a", 12)}}, "got set /a@12, which was never committed"},
		{"event with the wrong action", history.WatchRecord{Client: 1, Prefix: "/a", FromIndex: 1, Until: 4,
			Events: []history.WatchEvent{ev("update", "/a", 4)}}, "got update /a@4, which was never committed"},
		{"event of another key", history.WatchRecord{Client: 1, Prefix: "/a", FromIndex: 1, Until: 5,
			Events: []history.WatchEvent{ev("set", "/a", 4), ev("set", "/d/x", 5)}}, "got set /d/x@5, which does not belong to it"},
		{"event before from index", history.WatchRecord{Client: 1, Prefix: "/a", FromIndex: 5, Until: 8,
			Events: []history.WatchEvent{ev("set", "/a", 4), ev("compareAndSwap", "/a", 8)}}, "got set /a@4, which does not belong to it"},
		{"non-recursive watcher gets a child's event", history.WatchRecord{Client: 2, Prefix: "/d", FromIndex: 1, Until: 5,
			Events: []history.WatchEvent{ev("set", "/d/x", 5)}}, "does not belong to it"},
		{"repeated event", history.WatchRecord{Client: 1, Prefix: "/a", FromIndex: 1, Until: 4,
			Events: []history.WatchEvent{ev("set", "/a", 4), ev("set", "/a", 4)}}, "got set /a@4 after index 4: out of order or repeated"},
		{"out of order", history.WatchRecord{Client: 1, Prefix: "/a", FromIndex: 1, Until: 8,
			Events: []history.WatchEvent{ev("set", "/a", 4), ev("compareAndSwap", "/a", 8), ev("set", "/a", 4)}}, "out of order or repeated"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := CheckWatches([]history.WatchRecord{tt.rec}, committed)
			if tt.want == "" {
				assert.Empty(t, got)
				return
			}
			require.Len(t, got, 1, "problems: %q", got)
			assert.Contains(t, got[0], tt.want)
		})
	}
}

func TestCheckWatchesRootRecursive(t *testing.T) {
	committed := []history.WatchEvent{ev("set", "/a", 4), ev("set", "/b/c", 5)}
	rec := history.WatchRecord{Prefix: "/", Recursive: true, FromIndex: 1, Events: committed[:1]}
	got := CheckWatches([]history.WatchRecord{rec}, committed)
	require.Len(t, got, 1)
	assert.Contains(t, got[0], "missed 1 event(s), first set /b/c@5")
}

func TestCheckWatchesCommittedOrder(t *testing.T) {
	got := CheckWatches(nil, []history.WatchEvent{ev("set", "/a", 5), ev("set", "/a", 4)})
	require.Len(t, got, 1)
	assert.Contains(t, got[0], "committed events out of index order")
}
