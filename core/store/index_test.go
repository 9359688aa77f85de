package store

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// lockedIndex reads the index the way every mutation sees it, under the lock.
func lockedIndex(s *Store) uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.index
}

// Index, which reads without the lock, follows every kind of change of the index: user and
// internal writes, expiry, failed writes (no change) and a snapshot restore (down as well as up).
func TestIndexFollowsEveryChange(t *testing.T) {
	s := New()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).UnixNano()
	steps := []struct {
		name string
		do   func() error
	}{
		{"set", func() error { _, err := s.Apply(set("/a", "1")); return err }},
		{"ttl", func() error {
			_, err := s.Apply(Request{Op: OpSet, Key: "/t", Value: "x", HasTTL: true, Expiration: now + 1, Time: now})
			return err
		}},
		{"internal", func() error { _, err := s.SetInternal("/version", "3.5.0"); return err }},
		{"failed create", func() error {
			_, err := s.Apply(Request{Op: OpCreate, Key: "/a", Value: "2"})
			require.Error(t, err)
			return nil
		}},
		{"expire", func() error { _, err := s.Apply(Request{Op: OpSync, Time: now + 2}); return err }},
		{"delete", func() error { _, err := s.Apply(Request{Op: OpDelete, Key: "/a"}); return err }},
	}
	var snapshots [][]byte
	for _, st := range steps {
		require.NoError(t, st.do(), st.name)
		require.Equal(t, lockedIndex(s), s.Index(), st.name)
		snap, err := s.Save()
		require.NoError(t, err)
		snapshots = append(snapshots, snap)
	}
	require.Equal(t, uint64(5), s.Index(), "set, set, internal set, expire, delete")
	for i := range snapshots {
		require.NoError(t, s.Recovery(snapshots[i]))
		require.Equal(t, lockedIndex(s), s.Index(), "after restoring snapshot %d", i)
	}
	require.NoError(t, s.Recovery(snapshots[0]))
	require.Equal(t, uint64(1), s.Index(), "a restore may move the index back")
}

// BenchmarkStoreIndex is the read every host makes after every input.
func BenchmarkStoreIndex(b *testing.B) {
	s := New()
	mustApply(b, s, set("/a", "1"))
	var sum uint64
	for b.Loop() {
		sum += s.Index()
	}
	require.Equal(b, uint64(b.N), sum)
}
