package store

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestVerifyAcceptsWhatTheStoreDoes: after every kind of write, expiry, snapshot and recovery the
// store's structures agree.
func TestVerifyAcceptsWhatTheStoreDoes(t *testing.T) {
	s := New()
	require.NoError(t, s.Verify())
	applyAll(t, s,
		withTTL(set("/d/a/x", "1"), t0+sec, t0), withTTL(set("/d/y", "2"), t0+2*sec, t0), set("/d/_h/z", "3"),
		mkdir("/e"), withTTL(set("/e/t", "5"), t0+3*sec, t0), Request{Op: OpCreateInOrder, Key: "/q", Value: "v"},
		Request{Op: OpCompareAndSwap, Key: "/d/y", Value: "4", PrevValue: "2"},
		Request{Op: OpDelete, Key: "/d/a", Recursive: true})
	require.NoError(t, s.Verify())
	assert.Len(t, s.ApplyExpired(t0+5*sec), 1)
	mustApply(t, s, withTTL(set("/f", "6"), t0+100*sec, t0+5*sec))
	require.NoError(t, s.Verify())
	data, err := s.Save()
	require.NoError(t, err)
	r := New()
	require.NoError(t, r.Recovery(data))
	require.NoError(t, r.Verify())
}

// TestVerifyFindsBrokenStructures: each structure that disagrees with the tree is reported.
func TestVerifyFindsBrokenStructures(t *testing.T) {
	breakers := map[string]func(s *Store){
		"a detached node still queued": func(s *Store) {
			d := s.user.root.children["d"]
			delete(d.children, "x") // as a delete that forgot the TTL queue would leave it
		},
		"an expiring node not queued": func(s *Store) { s.ttl.drop(s.user.root.children["d"].children["x"]) },
		"a wrong path":                func(s *Store) { s.user.root.children["d"].children["x"].path = "/x" },
		"a modified index ahead":      func(s *Store) { s.user.root.children["d"].modifiedIndex = s.index + 1 },
		"a history gap":               func(s *Store) { s.history.at(0).event.Node.ModifiedIndex = 0 },
	}
	for name, breakIt := range breakers {
		t.Run(name, func(t *testing.T) {
			s := New()
			applyAll(t, s, withTTL(set("/d/x", "1"), t0+sec, t0), set("/d/y", "2"))
			require.NoError(t, s.Verify())
			breakIt(s)
			assert.ErrorIs(t, s.Verify(), ErrInconsistent)
		})
	}
}
