package checker

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/raftlab/raftlab/checker/history"
)

func TestGeneratedHistoryIsLinearizable(t *testing.T) {
	for seed := int64(1); seed <= 5; seed++ {
		ops := genHistory(seed, 5000, 10, 5, 5)
		v := Check(ops, Options{})
		require.True(t, v.Linearizable, "seed %d: %v", seed, v.Problems)
		require.Zero(t, v.StaleReads)
		require.Equal(t, 5, v.KeysChecked)
		require.Positive(t, v.Unknown)
	}
}

// TestGeneratedHistoryWithInjectedStaleRead makes one quorum read of a generated history return a value
// that had been overwritten before the read began, and expects Check to name that key.
func TestGeneratedHistoryWithInjectedStaleRead(t *testing.T) {
	for seed := int64(1); seed <= 3; seed++ {
		ops := genHistory(seed, 3000, 10, 5, 3)
		victim, old := findOverwritten(ops)
		require.GreaterOrEqual(t, victim, 0, "seed %d: the generator made no read to corrupt", seed)
		ops[victim].Result, ops[victim].Index = old.Value, old.Index
		v := Check(ops, Options{})
		require.False(t, v.Linearizable, "seed %d", seed)
		assert.Contains(t, strings.Join(v.Problems, "\n"), "key "+ops[victim].Key+": not linearizable")
	}
}

// findOverwritten finds a found quorum read r and an ok write w of its key such that another ok write
// of the key, with a higher index, finished before r began: returning w's value makes r stale.
func findOverwritten(ops []history.Op) (int, history.Op) {
	for i, r := range ops {
		if r.Kind != history.KindQGet || r.Outcome != history.OutcomeOK || !r.Found {
			continue
		}
		var older, newer *history.Op
		for j := range ops {
			w := &ops[j]
			if w.Key != r.Key || w.Outcome != history.OutcomeOK || !w.Kind.WritesValue() || w.Return >= r.Call {
				continue
			}
			if older == nil || w.Index < older.Index {
				older = w
			}
			if newer == nil || w.Index > newer.Index {
				newer = w
			}
		}
		if older != nil && newer != nil && older.Index < newer.Index && older.Value != r.Result {
			return i, *older
		}
	}
	return -1, history.Op{}
}
