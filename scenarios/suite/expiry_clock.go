package suite

import (
	"fmt"
	"time"

	"github.com/raftlab/raftlab/checker/history"
	"github.com/raftlab/raftlab/netsim/nodehost"
)

// checkExpiryClocks checks that every expiry entry of the run (the sync records of the history)
// carries a clock reading a leader had when it ticked: TTL keys expire by the leader's clock, never
// by another member's (a member whose clock runs ahead would expire keys early for everyone).
func checkExpiryClocks(ops []history.Op, leaders *nodehost.ClockLog) []string {
	var out []string
	seen := map[int64]bool{}
	for _, op := range ops {
		if op.Kind != history.KindSync || op.Clock == 0 || seen[op.Clock] {
			continue
		}
		seen[op.Clock] = true
		if !leaders.Has(op.Clock) {
			out = append(out, fmt.Sprintf("an expiry entry applied at %v carries the clock reading %d, which no leader had when it ticked",
				time.Duration(op.Return), op.Clock))
		}
	}
	return out
}
