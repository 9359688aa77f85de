package checker

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestGeneratedHistoryIsLinearizable(t *testing.T) {
	for seed := int64(1); seed <= 5; seed++ {
		ops := genHistory(seed, 5000, 10, 5, 5)
		v := Check(ops, Options{})
		require.True(t, v.Linearizable, "seed %d: %v", seed, v.Problems)
		require.Zero(t, v.StaleReads)
		require.Equal(t, 5, v.KeysChecked)
	}
}
