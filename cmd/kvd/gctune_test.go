package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestGCPercentFor(t *testing.T) {
	tests := []struct {
		live uint64
		want int
	}{
		{0, maxGCPercent},
		{1 << 20, maxGCPercent},       // 1 MiB live: 128 MiB would be 12800%, capped
		{16 << 20, 800},               // 16 MiB live may grow by 128 MiB
		{64 << 20, 200},               // 64 MiB live too
		{128 << 20, 100},              // from the headroom up, Go's default
		{1 << 30, 100},                // a big heap doubles as usual
		{gcHeadroom * 100 / 250, 250}, // in between, exactly the headroom
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, gcPercentFor(tt.live), "live %d", tt.live)
	}
}
