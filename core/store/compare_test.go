package store

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// A failed compare builds etcd's cause text with a single allocation, the string itself, also for
// values too long for the stack buffer to hold.
func TestCompareCauseTextAndAllocations(t *testing.T) {
	long := strings.Repeat("x", 200)
	n := &node{value: "a", modifiedIndex: 7}
	cases := []struct {
		name      string
		prevValue string
		prevIndex uint64
		cause     string
		ok        bool
	}{
		{name: "both match", prevValue: "a", prevIndex: 7, ok: true},
		{name: "no condition", ok: true},
		{name: "value differs", prevValue: "b", cause: "[b != a]"},
		{name: "index differs", prevIndex: 12345678901234567890, cause: "[12345678901234567890 != 7]"},
		{name: "small index differs", prevIndex: 3, cause: "[3 != 7]"},
		{name: "value and index differ", prevValue: "b", prevIndex: 3, cause: "[b != a] [3 != 7]"},
		{name: "long value", prevValue: long, prevIndex: 3, cause: "[" + long + " != a] [3 != 7]"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cause, ok := compare(n, c.prevValue, c.prevIndex)
			assert.Equal(t, c.ok, ok)
			assert.Equal(t, c.cause, cause)
			want := 1.0
			if c.ok {
				want = 0
			}
			if len(c.cause) > 128 {
				want = 2 // the buffer moves to the heap, then the string
			}
			allocs := testing.AllocsPerRun(20, func() { cause, _ = compare(n, c.prevValue, c.prevIndex) })
			assert.Equal(t, want, allocs)
		})
	}
}
