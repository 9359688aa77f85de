package store

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// chainKey is a key of depth levels of one-letter segments: "/a/a/.../a".
func chainKey(depth int) string { return strings.Repeat("/a", depth) }

func TestApplyRefusesKeysLongerThanMaxKeyBytes(t *testing.T) {
	longest := "/" + strings.Repeat("k", MaxKeyBytes-1)
	deepest := chainKey(MaxKeyBytes / 2)
	cases := []struct {
		name string
		req  Request
		ok   bool
	}{
		{"longest key", set(longest, "v"), true},
		{"deepest key", set(deepest, "v"), true},
		{"one byte too long", set(longest+"k", "v"), false},
		{"one level too deep", set(deepest+"/a", "v"), false},
		{"long before cleaning, short after", set("/x/"+strings.Repeat("../", MaxKeyBytes)+"y", "v"), true},
		{"create", Request{Op: OpCreate, Key: longest + "k", Value: "v"}, false},
		{"update", Request{Op: OpUpdate, Key: longest + "k", Value: "v"}, false},
		{"compareAndSwap", Request{Op: OpCompareAndSwap, Key: longest + "k", PrevValue: "v", Value: "w"}, false},
		{"delete", Request{Op: OpDelete, Key: longest + "k"}, false},
		{"compareAndDelete", Request{Op: OpCompareAndDelete, Key: longest + "k", PrevValue: "v"}, false},
		{"in-order child of a dir at the limit", Request{Op: OpCreateInOrder, Key: longest[:MaxKeyBytes-21], Value: "v"}, true},
		{"in-order child past the limit", Request{Op: OpCreateInOrder, Key: longest[:MaxKeyBytes-20], Value: "v"}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := New()
			before := s.Index()
			_, err := s.Apply(c.req)
			if c.ok {
				require.NoError(t, err)
				return
			}
			e := storeErr(t, err)
			assert.Equal(t, EcodeInvalidField, e.ErrorCode)
			assert.True(t, strings.HasPrefix(e.Cause, "key is too long"), "cause %.80q", e.Cause)
			assert.Equal(t, before, s.Index(), "a refused write changes nothing")
		})
	}
}

func TestApplyInternalRefusesKeysLongerThanMaxKeyBytes(t *testing.T) {
	s := New()
	_, err := s.ApplyInternal(Request{Op: OpSet, Key: "/2/users/" + strings.Repeat("u", MaxKeyBytes), Value: "{}"})
	assert.Equal(t, EcodeInvalidField, storeErr(t, err).ErrorCode)
	_, err = s.ApplyInternal(Request{Op: OpCreate, Key: "/2/users/" + strings.Repeat("u", MaxKeyBytes), Value: "{}"})
	assert.Equal(t, EcodeInvalidField, storeErr(t, err).ErrorCode)
	assert.Equal(t, uint64(0), s.Index())
}
