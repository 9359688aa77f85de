package store

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestSmokeSetGet(t *testing.T) {
	s := New()
	e, err := s.Apply(Request{Op: OpSet, Key: "/a/b", Value: "x"})
	require.NoError(t, err)
	b, err := json.Marshal(e)
	require.NoError(t, err)
	require.Equal(t, `{"action":"set","node":{"key":"/a/b","value":"x","modifiedIndex":1,"createdIndex":1}}`, string(b))
	g, err := s.Get("/", true, true, 0)
	require.NoError(t, err)
	b, err = json.Marshal(g)
	require.NoError(t, err)
	require.Equal(t, `{"action":"get","node":{"dir":true,"nodes":[{"key":"/a","dir":true,"nodes":[{"key":"/a/b","value":"x","modifiedIndex":1,"createdIndex":1}],"modifiedIndex":1,"createdIndex":1}]}}`, string(b))
	data, err := s.Save()
	require.NoError(t, err)
	r := New()
	require.NoError(t, r.Recovery(data))
	again, err := r.Save()
	require.NoError(t, err)
	require.Equal(t, string(data), string(again))
}
