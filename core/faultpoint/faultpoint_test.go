package faultpoint

import (
	"errors"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestANilSetNeverFires(t *testing.T) {
	var s *Set
	require.NoError(t, s.Hit(WALBeforeSync))
	assert.NotPanics(t, func() { s.Visit(NodeBeforeReply) })
}

func TestEachActionDoesWhatItSays(t *testing.T) {
	var next Action
	var asked []Point
	s := New(func(p Point) Action { asked = append(asked, p); return next })

	next = Pass
	require.NoError(t, s.Hit(WALBeforeSync))

	next = Fail
	err := s.Hit(WALSegmentBeforeRename)
	require.ErrorIs(t, err, syscall.EIO)
	var fe *Error
	require.True(t, errors.As(err, &fe))
	assert.Equal(t, WALSegmentBeforeRename, fe.Point)
	assert.NotPanics(t, func() { s.Visit(NodeAfterPersist) }, "nothing can fail at a visit")

	next = Crash
	assert.PanicsWithValue(t, Crashed{Point: NodeAfterTruncate}, func() { s.Visit(NodeAfterTruncate) })
	assert.PanicsWithValue(t, Crashed{Point: WALBeforeRelease}, func() { _ = s.Hit(WALBeforeRelease) })

	next = Delay
	require.NoError(t, s.Hit(WALBeforeSync), "the owner delays; the call goes on")
	assert.Equal(t, []Point{WALBeforeSync, WALSegmentBeforeRename, NodeAfterPersist, NodeAfterTruncate, WALBeforeRelease, WALBeforeSync}, asked)
}

func TestEveryPointHasAUniqueNameThatLooksItUp(t *testing.T) {
	seen := map[string]bool{}
	for _, p := range All() {
		name := p.String()
		require.NotEmpty(t, name)
		require.False(t, seen[name], name)
		seen[name] = true
		got, err := Lookup(name)
		require.NoError(t, err)
		assert.Equal(t, p, got)
	}
	assert.Len(t, seen, int(numPoints)-1)
	_, err := Lookup("nowhere")
	assert.Error(t, err)
	assert.Equal(t, "point-99", Point(99).String())
	assert.Equal(t, "crash", Crash.String())
}
