package store

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// drain returns the queued events without blocking and whether the channel is closed.
func drain(w *Watcher) (events []*Event, closed bool) {
	for {
		select {
		case e, ok := <-w.EventChan():
			if !ok {
				return events, true
			}
			events = append(events, e)
		default:
			return events, false
		}
	}
}

// keysOf lists the event keys.
func keysOf(events []*Event) []string {
	var out []string
	for _, e := range events {
		out = append(out, e.Action+" "+e.Node.Key)
	}
	return out
}

// mustWatch registers a watcher and fails the test on error.
func mustWatch(t *testing.T, s *Store, key string, recursive, stream bool, since uint64) *Watcher {
	t.Helper()
	w, err := s.Watch(key, recursive, stream, since)
	require.NoError(t, err)
	return w
}

func TestLiveWatchMatching(t *testing.T) {
	cases := []struct {
		name      string
		setup     []Request
		key       string
		recursive bool
		writes    []Request
		want      []string
	}{
		{name: "exact key", key: "/foo", writes: []Request{set("/bar", "1"), set("/foo", "1")},
			want: []string{"set /foo"}},
		{name: "non-recursive ignores children", key: "/foo", writes: []Request{set("/foo/bar", "1"), {Op: OpDelete, Key: "/foo", Recursive: true}},
			want: []string{"delete /foo"}},
		{name: "recursive gets children but not siblings sharing the prefix", key: "/foo", recursive: true,
			writes: []Request{set("/foobar", "1"), set("/foo/bar/baz", "1")}, want: []string{"set /foo/bar/baz"}},
		{name: "recursive root gets everything visible", key: "/", recursive: true,
			writes: []Request{set("/a", "1")}, want: []string{"set /a"}},
		{name: "non-recursive root never fires", key: "/",
			writes: []Request{set("/a", "1"), {Op: OpDelete, Key: "/a"}}, want: nil},
		{name: "hidden key below a recursive watch is filtered", key: "/", recursive: true,
			writes: []Request{set("/_h", "1"), set("/a/_b", "1"), set("/_d/c", "1"), set("/x", "1")}, want: []string{"set /x"}},
		{name: "hidden key watched directly", key: "/_h",
			writes: []Request{set("/_h", "1")}, want: []string{"set /_h"}},
		{name: "hidden directory watched recursively sees its children", key: "/_h", recursive: true,
			writes: []Request{set("/_h/x", "1")}, want: []string{"set /_h/x"}},
		{name: "delete of an ancestor directory reaches a child's watcher", setup: []Request{set("/dir/sub/key", "v")},
			key: "/dir/sub/key", writes: []Request{{Op: OpDelete, Key: "/dir", Recursive: true}}, want: []string{"delete /dir"}},
		{name: "delete of a directory sharing only a prefix does not", setup: []Request{set("/a/x", "v"), set("/ab/c", "v")},
			key: "/ab/c", writes: []Request{{Op: OpDelete, Key: "/a", Recursive: true}}, want: nil},
		{name: "expire of an ancestor directory reaches a child's watcher",
			setup: []Request{withTTL(mkdir("/tmp"), t0, t0), set("/tmp/k", "v")},
			key:   "/tmp/k", writes: []Request{{Op: OpSync, Time: t0}}, want: []string{"expire /tmp"}},
		{name: "expire of the key", setup: []Request{withTTL(set("/t", "v"), t0, t0)},
			key: "/t", writes: []Request{{Op: OpSync, Time: t0}}, want: []string{"expire /t"}},
		{name: "refresh is never delivered", setup: []Request{withTTL(set("/r", "v"), t0+sec, t0)},
			key: "/r", writes: []Request{withTTL(Request{Op: OpUpdate, Key: "/r", Refresh: true}, t0+2*sec, t0), set("/r", "w")},
			want: []string{"set /r"}},
		{name: "internal writes never reach user watchers", key: "/", recursive: true,
			writes: []Request{set("/a", "1")}, want: []string{"set /a"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := New()
			applyAll(t, s, c.setup...)
			w := mustWatch(t, s, c.key, c.recursive, true, 0)
			assert.Equal(t, s.Index(), w.StartIndex())
			_, err := s.SetInternal("/members/1", "m")
			require.NoError(t, err)
			for _, r := range c.writes {
				_, err := s.Apply(r)
				require.NoError(t, err)
			}
			got, closed := drain(w)
			assert.False(t, closed)
			assert.Equal(t, c.want, keysOf(got))
			for _, e := range got {
				assert.Equal(t, e.Index(), e.EtcdIndex, "live events carry their own index")
			}
		})
	}
}

func TestOneShotWatcherFiresOnce(t *testing.T) {
	s := New()
	applyAll(t, s, set("/x", "0"))
	w := mustWatch(t, s, "/foo", false, false, 0)
	assert.Equal(t, uint64(1), w.StartIndex())
	assert.Equal(t, uint64(1), s.Stats().Watchers)
	applyAll(t, s, set("/foo", "1"), set("/foo", "2"))
	got, closed := drain(w)
	assert.Equal(t, []string{"set /foo"}, keysOf(got))
	assert.Equal(t, "1", *got[0].Node.Value)
	assert.False(t, closed, "the event stays readable")
	assert.Equal(t, uint64(0), s.Stats().Watchers, "a served one-shot watcher is unregistered")
	w.Remove()
	w.Remove()
	_, closed = drain(w)
	assert.True(t, closed)
}

func TestStreamWatcherStaysRegistered(t *testing.T) {
	s := New()
	w := mustWatch(t, s, "/k", false, true, 0)
	applyAll(t, s, set("/k", "1"), set("/k", "2"), Request{Op: OpDelete, Key: "/k"})
	got, _ := drain(w)
	assert.Equal(t, []string{"set /k", "set /k", "delete /k"}, keysOf(got))
	assert.Equal(t, uint64(1), s.Stats().Watchers)
	w.Remove()
	assert.Equal(t, uint64(0), s.Stats().Watchers)
	_, closed := drain(w)
	assert.True(t, closed)
	applyAll(t, s, set("/k", "3"))
}

func TestWatchFromHistory(t *testing.T) {
	s := New()
	applyAll(t, s, set("/a", "1"), set("/b", "1"), set("/a", "2"), set("/a/../c", "1")) // 1..4
	_, err := s.SetInternal("/members/1", "m")                                          // 5
	require.NoError(t, err)
	cases := []struct {
		name      string
		key       string
		recursive bool
		since     uint64
		want      []string
		index     uint64 // modifiedIndex of the event served
	}{
		{name: "first match at the since index", key: "/a", since: 1, want: []string{"set /a"}, index: 1},
		{name: "first match after the since index", key: "/a", since: 2, want: []string{"set /a"}, index: 3},
		{name: "recursive root from history", key: "/", recursive: true, since: 2, want: []string{"set /b"}, index: 2},
		{name: "internal events are skipped", key: "/", recursive: true, since: 5},
		{name: "nothing in history yet", key: "/a", since: 4},
		{name: "future index", key: "/a", since: 40},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := mustWatch(t, s, c.key, c.recursive, false, c.since)
			defer w.Remove()
			assert.Equal(t, uint64(5), w.StartIndex())
			got, _ := drain(w)
			assert.Equal(t, c.want, keysOf(got))
			if len(got) == 1 {
				assert.Equal(t, c.index, got[0].Index())
				assert.Equal(t, uint64(5), got[0].EtcdIndex, "history events carry the index at registration")
			}
		})
	}
	assert.Equal(t, uint64(0), s.Stats().Watchers)
}

func TestWatchFromHistorySkipsRefreshAndSeesHiddenAndAncestors(t *testing.T) {
	s := New()
	applyAll(t, s,
		withTTL(set("/r", "v"), t0+sec, t0),                                 // 1
		withTTL(Request{Op: OpSet, Key: "/r", Refresh: true}, t0+2*sec, t0), // 2
		set("/_h", "1"),  // 3
		set("/d/k", "1"), // 4
		Request{Op: OpDelete, Key: "/d", Recursive: true}, // 5
		set("/r", "w"), // 6
	)
	cases := []struct {
		key       string
		recursive bool
		since     uint64
		index     uint64
	}{
		{key: "/r", since: 2, index: 6},
		{key: "/", recursive: true, since: 3, index: 3},
		{key: "/d/k", since: 5, index: 5},
		{key: "/d/never-existed", since: 5, index: 5},
	}
	for _, c := range cases {
		w := mustWatch(t, s, c.key, c.recursive, false, c.since)
		got, _ := drain(w)
		require.Len(t, got, 1, "%+v", c)
		assert.Equal(t, c.index, got[0].Index(), "%+v", c)
	}
}

func TestStreamWatchFromHistoryThenLive(t *testing.T) {
	s := New()
	applyAll(t, s, set("/k", "1"), set("/other", "1"), set("/k", "2"))
	w := mustWatch(t, s, "/k", false, true, 1)
	applyAll(t, s, set("/k", "3"))
	got, closed := drain(w)
	assert.False(t, closed)
	require.Len(t, got, 3)
	assert.Equal(t, []uint64{1, 3, 4}, []uint64{got[0].Index(), got[1].Index(), got[2].Index()})
	assert.Equal(t, []uint64{3, 3, 4}, []uint64{got[0].EtcdIndex, got[1].EtcdIndex, got[2].EtcdIndex})
}

func TestWatchFutureIndexWaits(t *testing.T) {
	s := New()
	w := mustWatch(t, s, "/k", false, false, 3)
	applyAll(t, s, set("/k", "1"), set("/k", "2"))
	got, _ := drain(w)
	assert.Empty(t, got, "events below the wait index are not delivered")
	applyAll(t, s, set("/k", "3"))
	got, _ = drain(w)
	require.Len(t, got, 1)
	assert.Equal(t, uint64(3), got[0].Index())
}

func TestWatchHistoryCleared(t *testing.T) {
	s := New()
	for i := 0; i < historyCapacity+5; i++ {
		mustApply(t, s, set("/k", fmt.Sprint(i)))
	}
	_, err := s.Watch("/k", false, false, 5)
	se := storeErr(t, err)
	assert.Equal(t, `{"errorCode":401,"message":"The event in requested index is outdated and cleared","cause":"the requested history has been cleared [6/5]","index":1005}`, jsonOf(t, se))
	assert.Equal(t, http.StatusBadRequest, se.StatusCode())

	w := mustWatch(t, s, "/k", false, false, 6)
	got, _ := drain(w)
	require.Len(t, got, 1)
	assert.Equal(t, uint64(6), got[0].Index())
}

func TestWatcherOverflowIsDropped(t *testing.T) {
	s := New()
	w := mustWatch(t, s, "/", true, true, 0)
	for i := 0; i <= watcherBuffer; i++ {
		mustApply(t, s, set("/k", fmt.Sprint(i)))
	}
	got, closed := drain(w)
	assert.Len(t, got, watcherBuffer)
	assert.True(t, closed, "the watcher that could not keep up is closed")
	assert.Equal(t, uint64(0), s.Stats().Watchers)
	w.Remove()
}

func TestStreamWatchWithMoreHistoryThanBufferIsClosed(t *testing.T) {
	s := New()
	for i := 0; i <= watcherBuffer; i++ {
		mustApply(t, s, set("/k", fmt.Sprint(i)))
	}
	w := mustWatch(t, s, "/k", false, true, 1)
	got, closed := drain(w)
	assert.Len(t, got, watcherBuffer)
	assert.True(t, closed)
	assert.Equal(t, uint64(0), s.Stats().Watchers)
}

func TestWatchCleansTheKey(t *testing.T) {
	s := New()
	w := mustWatch(t, s, "a//b/", false, false, 0)
	applyAll(t, s, set("/a/b", "1"))
	got, _ := drain(w)
	assert.Equal(t, []string{"set /a/b"}, keysOf(got))
}
