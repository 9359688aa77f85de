package checker

import (
	"fmt"
	"math"
	"time"

	"github.com/anishathalye/porcupine"

	"github.com/raftlab/raftlab/checker/history"
)

// explainKey describes why a key's history is not linearizable: how far the longest linearization got,
// the state it reached, and the first operation (by return time) it could not place.
func explainKey(key keyOps, timeout time.Duration) string {
	_, info := porcupine.CheckOperationsVerbose(searchModel(), key.search, timeout)
	var longest []int
	if parts := info.PartialLinearizations(); len(parts) > 0 {
		for _, seq := range parts[0] {
			if len(seq) > len(longest) {
				longest = seq
			}
		}
	}
	placed := make([]bool, len(key.reduced))
	state := searchState{}
	for _, id := range longest {
		placed[id] = true
		_, state = searchStep(state, key.search[id].Input.(*searchOp))
	}
	blocked := -1
	for i, o := range key.reduced {
		if placed[i] || o.Return == math.MaxInt64 {
			continue
		}
		if blocked < 0 || o.Return < key.reduced[blocked].Return {
			blocked = i
		}
	}
	msg := fmt.Sprintf("key %s: not linearizable (%d ops); the longest linearization places %d of them and leaves the key %s",
		key.name, len(key.reduced), len(longest), describeState(state.key))
	if blocked >= 0 {
		msg += "; no legal point for: " + key.reduced[blocked].Input.(*history.Op).String()
	}
	return msg
}
