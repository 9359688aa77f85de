package rng

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestSameSeedSameSequence(t *testing.T) {
	a, b, c := New(7, 1), New(7, 1), New(8, 1)
	var sa, sb, sc []uint64
	for range 16 {
		sa, sb, sc = append(sa, a.Uint64()), append(sb, b.Uint64()), append(sc, c.Uint64())
	}
	assert.Equal(t, sa, sb)
	assert.NotEqual(t, sa, sc)
}

func TestChildIsDeterministicAndDistinct(t *testing.T) {
	p1, p2 := New(3, 4), New(3, 4)
	c1, c2 := Child(p1), Child(p2)
	assert.Equal(t, c1.Uint64(), c2.Uint64(), "children of equal parents are equal")
	assert.NotEqual(t, Child(p1).Uint64(), Child(p1).Uint64(), "successive children differ")
}
