package store

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// richStore has files, directories, hidden keys, TTLs, a refresh, a delete, internal records and
// an in-order key, so every part of a snapshot is exercised.
func richStore(t testing.TB) *Store {
	s := New()
	_, err := s.SetInternal("/members/8e9e05c52164694d/raftAttributes", `{"peerURLs":["http://a:2380"]}`)
	require.NoError(t, err)
	applyAll(t, s,
		set("/a", "1"),
		set("/dir/x", ""),
		set("/dir/_hidden", "h"),
		withTTL(set("/ttl", "t"), t0+5*sec, t0),
		withTTL(Request{Op: OpUpdate, Key: "/ttl", Refresh: true}, t0+9*sec, t0),
		withTTL(mkdir("/tdir"), t0+3*sec, t0),
		Request{Op: OpCreateInOrder, Key: "/queue", Value: "job"},
		Request{Op: OpDelete, Key: "/a"},
	)
	_, err = s.SetInternal("/version", "3.5.0")
	require.NoError(t, err)
	return s
}

// saved returns s.Save() and fails the test on error.
func saved(t testing.TB, s *Store) []byte {
	t.Helper()
	data, err := s.Save()
	require.NoError(t, err)
	return data
}

func TestSaveRecoveryRoundTrip(t *testing.T) {
	a := richStore(t)
	data := saved(t, a)
	assert.Equal(t, string(data), string(saved(t, a)), "Save is deterministic")
	assert.Equal(t, string(data), string(saved(t, richStore(t))), "same history, same bytes")

	b := New()
	applyAll(t, b, set("/junk", "x"))
	require.NoError(t, b.Recovery(data))
	assert.Equal(t, string(data), string(saved(t, b)))
	assert.Equal(t, a.Index(), b.Index())

	for _, key := range []string{"/", "/dir", "/dir/_hidden", "/ttl", "/queue"} {
		ea, err := a.Get(key, true, true, t0)
		require.NoError(t, err)
		eb, err := b.Get(key, true, true, t0)
		require.NoError(t, err)
		assert.Equal(t, jsonOf(t, ea), jsonOf(t, eb), key)
	}
	_, err := b.Get("/junk", false, false, 0)
	assert.Equal(t, EcodeKeyNotFound, storeErr(t, err).ErrorCode, "recovery replaces the old state")
	ia, err := a.GetInternal("/", true)
	require.NoError(t, err)
	ib, err := b.GetInternal("/", true)
	require.NoError(t, err)
	assert.Equal(t, jsonOf(t, ia), jsonOf(t, ib))

	expA, _ := a.NextExpiration()
	expB, ok := b.NextExpiration()
	require.True(t, ok)
	assert.Equal(t, expA, expB)
	assert.Equal(t, keysOf(a.ApplyExpired(t0+10*sec)), keysOf(b.ApplyExpired(t0+10*sec)))

	// The history travels with the snapshot: refresh skipped, hidden keys seen from history.
	w := mustWatch(t, b, "/ttl", false, false, 6)
	got, _ := drain(w)
	require.Len(t, got, 1)
	assert.Equal(t, "expire", got[0].Action)
	w = mustWatch(t, b, "/dir", true, false, 4)
	got, _ = drain(w)
	require.Len(t, got, 1)
	assert.Equal(t, "/dir/_hidden", got[0].Node.Key)
}

func TestRecoveryCatchesUpRegisteredWatchers(t *testing.T) {
	a := New()
	b := New()
	applyAll(t, a, set("/x", "1"))
	applyAll(t, b, set("/x", "1"))
	oneShot := mustWatch(t, b, "/k", false, false, 0)
	stream := mustWatch(t, b, "/", true, true, 0)
	applyAll(t, a, set("/k", "1"), set("/other", "1"), set("/k", "2"))
	require.NoError(t, b.Recovery(saved(t, a)))

	got, closed := drain(oneShot)
	assert.False(t, closed)
	require.Len(t, got, 1)
	assert.Equal(t, uint64(2), got[0].Index())
	got, closed = drain(stream)
	assert.False(t, closed)
	assert.Equal(t, []string{"set /k", "set /other", "set /k"}, keysOf(got))
	assert.Equal(t, uint64(1), b.Stats().Watchers, "only the stream watcher stays")

	applyAll(t, b, set("/live", "1"))
	got, _ = drain(stream)
	assert.Equal(t, []string{"set /live"}, keysOf(got))
}

func TestRecoveryClosesWatchersThatFellOutOfTheWindow(t *testing.T) {
	a := New()
	b := New()
	w := mustWatch(t, b, "/k", false, false, 0)
	for i := 0; i < historyCapacity+1; i++ {
		mustApply(t, a, set("/other", "x"))
	}
	require.NoError(t, b.Recovery(saved(t, a)))
	_, closed := drain(w)
	assert.True(t, closed, "the client must re-watch and learn about the gap")
	assert.Equal(t, uint64(0), b.Stats().Watchers)
}

func TestRecoveryRejectsCorruptInput(t *testing.T) {
	good := saved(t, richStore(t))
	edit := func(f func(*snapshot)) []byte {
		var snap snapshot
		require.NoError(t, json.Unmarshal(good, &snap))
		f(&snap)
		out, err := json.Marshal(&snap)
		require.NoError(t, err)
		return out
	}
	cases := []struct {
		name string
		data []byte
		msg  string
	}{
		{"empty", nil, "EOF"},
		{"not json", []byte("garbage"), "invalid character"},
		{"truncated", good[:len(good)/2], "unexpected EOF"},
		{"trailing data", append(append([]byte{}, good...), []byte(` {}`)...), "trailing data"},
		{"unknown field", []byte(`{"format":"raftlab-store/2","bogus":1}`), "unknown field"},
		{"wrong format", edit(func(s *snapshot) { s.Format = "etcd" }), `format "etcd"`},
		{"name with a slash", edit(func(s *snapshot) { s.User[0].Name = "dir/x" }), "invalid name"},
		{"dot dot name", edit(func(s *snapshot) { s.User[0].Name = ".." }), "invalid name"},
		{"empty name", edit(func(s *snapshot) { s.User[0].Name = "" }), "invalid name"},
		{"depth zero", edit(func(s *snapshot) { s.User[0].Depth = 0 }), "depth 0"},
		{"duplicate name", edit(func(s *snapshot) { s.User = append(s.User, s.User[0]) }), "duplicate name"},
		{"child before parent", edit(func(s *snapshot) { s.User[0], s.User[1] = s.User[1], s.User[0] }), "depth 2 after depth 0"},
		{"child of a file", edit(func(s *snapshot) {
			s.User = append(s.User, snapshotNode{Name: "x", Depth: 2, CreatedIndex: 1, ModifiedIndex: 1})
		}), "parent is not a directory"},
		{"directory with a value", edit(func(s *snapshot) { s.User[0].Value = "v" }), "directory with a value"},
		{"index from the future", edit(func(s *snapshot) { s.User[0].ModifiedIndex = 99 }), "indexes"},
		{"created after modified", edit(func(s *snapshot) { s.User[0].CreatedIndex = s.User[0].ModifiedIndex + 1 }), "indexes"},
		{"expiration without ttl", edit(func(s *snapshot) { s.User[0].Expiration = 5 }), "expiration without a TTL"},
		{"internal ttl", edit(func(s *snapshot) { s.Internal[0].Expires = true }), "internal tree: nodes with a TTL"},
		{"history gap", edit(func(s *snapshot) { s.History = append(s.History[:2], s.History[3:]...) }), "history: event"},
		{"history behind the index", edit(func(s *snapshot) { s.Index++ }), "history: event"},
		{"history missing node", edit(func(s *snapshot) { s.History[0].Event.Node = nil }), "missing node"},
		{"history bad action", edit(func(s *snapshot) { s.History[0].Event.Action = "get" }), `invalid action "get"`},
		{"history too long", edit(func(s *snapshot) {
			for i := 0; i < historyCapacity; i++ {
				s.History = append(s.History, s.History[0])
			}
		}), "at most 1000"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := richStore(t)
			before := saved(t, s)
			w := mustWatch(t, s, "/a", false, true, 0)
			err := s.Recovery(c.data)
			require.Error(t, err)
			assert.True(t, errors.Is(err, ErrCorruptSnapshot), "%v", err)
			assert.Contains(t, err.Error(), c.msg)
			assert.Equal(t, string(before), string(saved(t, s)), "the store is unchanged")
			_, closed := drain(w)
			assert.False(t, closed, "watchers are untouched")
		})
	}
}
