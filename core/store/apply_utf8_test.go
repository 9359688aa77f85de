package store

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestInvalidUTF8IsRefusedAndSnapshotsStayLossless(t *testing.T) {
	cases := []struct {
		r     Request
		field string // the first invalid field, the one the cause names
	}{
		{Request{Op: OpSet, Key: "/k", Value: "\xb1"}, "value"},
		{Request{Op: OpSet, Key: "/\xff", Value: "v"}, "key"},
		{Request{Op: OpSet, Key: "/\xff", Value: "\xff"}, "key"},
		{Request{Op: OpCompareAndSwap, Key: "/k", Value: "v", PrevValue: "\xb1"}, "prevValue"},
	}
	for _, c := range cases {
		r := c.r
		s := New()
		_, err := s.Apply(Request{Op: OpSet, Key: "/k", Value: "ok"})
		require.NoError(t, err)
		before, err := s.Save()
		require.NoError(t, err)
		_, err = s.Apply(r)
		var se *Error
		require.ErrorAs(t, err, &se, "%+v", r)
		assert.Equal(t, EcodeInvalidField, se.ErrorCode)
		assert.Equal(t, `invalid value for "`+c.field+`": not valid UTF-8`, se.Cause)
		after, err := s.Save()
		require.NoError(t, err)
		assert.Equal(t, before, after, "nothing changed")
	}
}
