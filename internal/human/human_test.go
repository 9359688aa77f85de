package human

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestDuration(t *testing.T) {
	for _, c := range []struct {
		ns   int64
		want string
	}{
		{0, "0 ms"},
		{1, "0.000 ms"},
		{273_400, "0.273 ms"},
		{2_718_281, "2.718 ms"},
		{27_182_818, "27.18 ms"},
		{271_828_182, "271.8 ms"},
		{999_949_999, "999.9 ms"},
		{999_960_000, "1.000 s"},
		{1_159_851_606, "1.160 s"},
		{2_698_732, "2.699 ms"},
		{61_500_000_000, "61.500 s"},
		{-2_718_281, "-2.718 ms"},
	} {
		assert.Equal(t, c.want, Duration(c.ns), "Duration(%d)", c.ns)
	}
}

func TestSeconds(t *testing.T) {
	for _, c := range []struct {
		ns   int64
		want string
	}{
		{0, "0.000 s"},
		{15_400_000, "0.015 s"},
		{15_500_000, "0.016 s"},
		{1_159_851_606, "1.160 s"},
		{4_386_252_017, "4.386 s"},
		{-1_500_000, "-0.002 s"},
	} {
		assert.Equal(t, c.want, Seconds(c.ns), "Seconds(%d)", c.ns)
	}
}

func TestInterval(t *testing.T) {
	assert.Equal(t, "4.386 s to 4.389 s", Interval(4_386_252_017, 4_388_950_749))
	assert.Equal(t, "4.386 s, never returned", Interval(4_386_252_017, math.MaxInt64))
}

func TestCount(t *testing.T) {
	for _, c := range []struct {
		n    int
		noun string
		want string
	}{
		{0, "key", "0 keys"},
		{1, "key", "1 key"},
		{2, "failure", "2 failures"},
		{1, "entry", "1 entry"},
		{3, "entry", "3 entries"},
		{2, "day", "2 days"},
		{2, "process", "2 processes"},
	} {
		assert.Equal(t, c.want, Count(c.n, c.noun), "Count(%d, %q)", c.n, c.noun)
	}
}
