package mark

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNilSetIgnoresHits(t *testing.T) {
	var s *Set
	s.Hit(RaftLogTruncated)
	s.HitIf(true, WALSegmentCut)
	assert.Zero(t, s.Count(RaftLogTruncated))
}

func TestSetCountsAndAdds(t *testing.T) {
	a, b := NewSet(), NewSet()
	a.Hit(RaftLogTruncated)
	a.HitIf(false, RaftLogTruncated)
	a.HitIf(true, StoreMkdir)
	b.Hit(RaftLogTruncated)
	a.Add(b)
	a.Add(nil)
	assert.Equal(t, uint64(2), a.Count(RaftLogTruncated))
	assert.Equal(t, uint64(1), a.Count(StoreMkdir))
	missing := a.Missing()
	assert.Len(t, missing, len(All())-2)
	assert.NotContains(t, missing, StoreMkdir)
	counts := a.Counts()
	require.Len(t, counts, len(All()))
	assert.Equal(t, Counted{Mark: RaftLogTruncated, Hits: 2}, counts[RaftLogTruncated])
}

// TestCatalogIsComplete: every mark has a unique "package.name" in one of core's packages and a doc.
func TestCatalogIsComplete(t *testing.T) {
	seen := map[string]bool{}
	for _, m := range All() {
		name := m.String()
		assert.False(t, seen[name], "duplicate name %s", name)
		seen[name] = true
		assert.Contains(t, []string{"raft", "node", "store", "wal"}, m.Package(), name)
		assert.NotEmpty(t, m.Doc(), name)
		assert.Equal(t, strings.ToLower(name), name)
		got, ok := Parse(name)
		require.True(t, ok, name)
		assert.Equal(t, m, got)
	}
	_, ok := Parse("raft.nothing")
	assert.False(t, ok)
	assert.Equal(t, "mark.unknown", Mark(count).String())
}
