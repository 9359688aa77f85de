package store

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestInvalidUTF8IsRefusedAndSnapshotsStayLossless(t *testing.T) {
	cases := []Request{
		{Op: OpSet, Key: "/k", Value: "\xb1"},
		{Op: OpSet, Key: "/\xff", Value: "v"},
		{Op: OpCompareAndSwap, Key: "/k", Value: "v", PrevValue: "\xb1"},
	}
	for _, r := range cases {
		s := New()
		_, err := s.Apply(Request{Op: OpSet, Key: "/k", Value: "ok"})
		require.NoError(t, err)
		before, err := s.Save()
		require.NoError(t, err)
		_, err = s.Apply(r)
		var se *Error
		require.ErrorAs(t, err, &se, "%+v", r)
		assert.Equal(t, EcodeInvalidField, se.ErrorCode)
		assert.Contains(t, se.Cause, "not valid UTF-8")
		after, err := s.Save()
		require.NoError(t, err)
		assert.Equal(t, before, after, "nothing changed")
	}
}
